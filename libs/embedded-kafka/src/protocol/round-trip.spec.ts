import { API_CATALOG } from './api-catalog';
import { API_VERSIONS } from './api-versions-table';
import { decodeRequest, encodeRequest } from './request-codec';
import { decodeResponse, encodeResponse } from './response-codec';
import { sampleBody } from '../test-support/sample-body';
import type { SampleVariant } from '../test-support/sample-body';

const cases: Array<[string, number, number, SampleVariant]> = [];
for (const { apiKey, name, minVersion, maxVersion } of API_VERSIONS) {
  for (let v = minVersion; v <= maxVersion; v++) {
    for (const variant of ['values', 'nulls'] as const) cases.push([name, apiKey, v, variant]);
  }
}

describe('byte-exact round trips for every served API and version', () => {
  it.each(cases)('%s (key %i) v%i request, %s', (_name, apiKey, version, variant) => {
    const codec = API_CATALOG.get(apiKey)?.request;
    if (!codec) throw new Error(`no codec for ${apiKey}`);
    const header = { apiKey, apiVersion: version, correlationId: 0x01020304, clientId: variant === 'nulls' ? null : 'cl-é' };
    const body = sampleBody(codec.plan(version), variant);

    const frame = encodeRequest(header, body);
    expect(frame.readInt32BE(0)).toBe(frame.length - 4);
    const decoded = decodeRequest(frame.subarray(4));
    expect(decoded.header).toEqual(header);
    expect(decoded.body).toEqual(body);
    expect(encodeRequest(decoded.header, decoded.body).equals(frame)).toBe(true);
  });

  it.each(cases)('%s (key %i) v%i response, %s', (_name, apiKey, version, variant) => {
    const codec = API_CATALOG.get(apiKey)?.response;
    if (!codec) throw new Error(`no codec for ${apiKey}`);
    const header = { apiKey, apiVersion: version, correlationId: 77, clientId: null };
    const body = sampleBody(codec.plan(version), variant);

    const frame = encodeResponse(header, body);
    expect(frame.readInt32BE(0)).toBe(frame.length - 4);
    const decoded = decodeResponse(apiKey, version, frame.subarray(4));
    expect(decoded.header.correlationId).toBe(77);
    expect(decoded.body).toEqual(body);
    expect(encodeResponse(header, decoded.body).equals(frame)).toBe(true);
  });
});
