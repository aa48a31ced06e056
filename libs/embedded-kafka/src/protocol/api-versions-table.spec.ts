import { API_CATALOG } from './api-catalog';
import { ApiKey } from './api-keys';
import { API_VERSIONS, apiVersionsResponseBody, isVersionSupported } from './api-versions-table';
import { inRange } from './schema/version-range';

describe('API_VERSIONS', () => {
  it('serves the 18 APIs, sorted by api key', () => {
    expect(API_VERSIONS.map((a) => a.apiKey)).toEqual([0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 19, 20, 22, 32]);
    expect(API_VERSIONS.map((a) => ApiKey[a.apiKey])).toEqual(API_VERSIONS.map((a) => a.name));
  });

  it.each(API_VERSIONS.map((a) => [a.name, a] as const))('%s lies within its request and response tables', (_n, api) => {
    const definition = API_CATALOG.get(api.apiKey);
    for (const codec of [definition?.request, definition?.response]) {
      expect(codec && inRange(codec.validVersions, api.minVersion) && inRange(codec.validVersions, api.maxVersion)).toBe(true);
    }
  });

  it('keeps record batch v2 only: Produce from v3, Fetch from v4', () => {
    expect([isVersionSupported(0, 2), isVersionSupported(0, 3), isVersionSupported(1, 3), isVersionSupported(1, 4)]).toEqual([
      false,
      true,
      false,
      true,
    ]);
  });

  it('is what the ApiVersions response lists', () => {
    const body = apiVersionsResponseBody(35);
    expect(body.errorCode).toBe(35);
    expect(body.apiKeys).toEqual(API_VERSIONS.map(({ apiKey, minVersion, maxVersion }) => ({ apiKey, minVersion, maxVersion })));
  });
});
