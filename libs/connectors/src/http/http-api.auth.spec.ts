import { redactSecrets, secretPaths } from '@tessera/connector-sdk';
import { RecordingHttpServer } from '@tessera/testing';
import { httpApiConnector } from './http-api.connector';
import type { HttpApiConfig, HttpAuth } from './http-config';

const server = new RecordingHttpServer(() => ({ status: 200, body: { data: [{ id: 1 }] } }));
beforeAll(() => server.start());
afterAll(() => server.stop());

const config = (auth: HttpAuth): HttpApiConfig => ({
  baseUrl: server.url('/'),
  auth,
  headers: { 'x-client': 'tessera' },
  streams: [{ name: 'things', path: 'things', recordsPath: '$.data[*]', primaryKey: ['id'] }],
});

describe('http connector auth', () => {
  it.each<[string, HttpAuth, string, string]>([
    ['bearer', { type: 'bearer', token: 'tok-1' }, 'authorization', 'Bearer tok-1'],
    // RFC 7617 example credentials, UTF-8
    ['basic', { type: 'basic', username: 'Aladdin', password: 'open sesame' }, 'authorization', 'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=='],
    ['API-key header', { type: 'apiKey', header: 'X-Api-Key', key: 'k-42' }, 'x-api-key', 'k-42'],
  ])('sends %s credentials on every request', async (_kind, auth, header, value) => {
    server.requests.length = 0;
    await expect(httpApiConnector.check(config(auth))).resolves.toEqual({ ok: true });
    for await (const _ of httpApiConnector.read(config(auth), 'things', null)) void _;

    expect(server.requests).toHaveLength(2);
    expect(server.requests.map((r) => [r.headers[header], r.headers['x-client']])).toEqual([
      [value, 'tessera'],
      [value, 'tessera'],
    ]);
  });

  it('marks every credential as a secret, so the admin API and logs never show it', () => {
    expect(
      secretPaths(httpApiConnector.configSchema)
        .map((keys) => keys.join('/'))
        .sort(),
    ).toEqual(['auth/key', 'auth/password', 'auth/token']);
    expect(redactSecrets(httpApiConnector.configSchema, config({ type: 'basic', username: 'u', password: 'p' })).auth).toEqual({
      type: 'basic',
      username: 'u',
      password: '***',
    });
  });

  it('says a refused credential is one, without retrying it', async () => {
    server.requests.length = 0;
    server.respondWith(() => ({ status: 401, body: { error: 'bad key' } }));
    const result = await httpApiConnector.check(config({ type: 'apiKey', header: 'x-api-key', key: 'nope' }));

    expect(result).toEqual({ ok: false, message: expect.stringContaining('the API rejected the credentials (401)') });
    expect(server.requests).toHaveLength(1);
  });

  it('names the missing setting of each auth type', () => {
    const problems = (auth: unknown): string[] => httpApiConnector.validateConfig({ ...config({ type: 'none' }), auth }).map((p) => p.path);
    expect(problems({ type: 'basic', username: 'u' })).toEqual(['/auth/password']);
    expect(problems({ type: 'apiKey', key: 'k' })).toEqual(['/auth/header']);
    expect(problems({ type: 'apiKey', header: 'bad header', key: 'k' })).toEqual(['/auth/header']);
  });
});
