import { REDACTED } from '@tessera/connector-sdk';
import { ConnectorsHarness } from '../test-support/connectors-harness';

describe('connections admin API (embedded broker + Postgres)', () => {
  const h = new ConnectorsHarness();
  beforeAll(() => h.start('conn_api'), 120_000);
  afterAll(() => h.stop());

  const body = (extra: Record<string, unknown> = {}) => ({
    connector: 'generated-rows',
    config: { rows: 10, checkpointEvery: 5, apiKey: 'k-1' },
    streams: [{ name: 'rows', mapping: { email: 'email', Tier: { to: 'loyalty_tier', cast: 'number' } }, identifierField: 'id' }],
    ...extra,
  });

  it('creates, reads, lists, replaces and deletes a connection, with defaults', async () => {
    const created = await h.http('POST', '/v1/connections', body({ id: 'crm' }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: 'crm',
      name: 'crm',
      sourceId: 'crm',
      timezone: 'UTC',
      schedule: null,
      unsetMissingOnFullRefresh: false,
      enabled: true,
      nextRunAt: null,
    });
    expect((await h.http('GET', '/v1/connections/crm')).body.connector).toBe('generated-rows');
    expect((await h.http('GET', '/v1/connections')).body.map((c: { id: string }) => c.id)).toContain('crm');
    const replaced = await h.http(
      'PUT',
      '/v1/connections/crm',
      body({ sourceId: 'crm-eu', schedule: { kind: 'daily', at: '02:30' }, timezone: 'Europe/Berlin' }),
    );
    expect(replaced.status).toBe(200);
    expect(replaced.body.sourceId).toBe('crm-eu');
    expect(Date.parse(replaced.body.nextRunAt)).toBeGreaterThan(Date.now());
    const renamed = await h.http('PUT', '/v1/connections/crm', body({ id: 'other' }));
    expect([renamed.status, renamed.body.details]).toEqual([400, [{ path: '/id', message: 'must match the path id' }]]);
    expect((await h.http('POST', '/v1/connections', body({ id: 'crm' }))).status).toBe(409);
    expect((await h.http('DELETE', '/v1/connections/crm')).status).toBe(204);
    expect((await h.http('GET', '/v1/connections/crm')).status).toBe(404);
  });

  it('answers 400 with JSON Pointers for an unknown connector, a bad config, an unknown stream and a non-identifier identifier field', async () => {
    const unknown = await h.http('POST', '/v1/connections', body({ connector: 'nope' }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.details).toEqual([expect.objectContaining({ path: '/connector' })]);
    const config = await h.http('POST', '/v1/connections', body({ config: { rows: -1 } }));
    expect(config.status).toBe(400);
    expect(config.body.details.map((d: { path: string }) => d.path).sort()).toEqual(['/config/checkpointEvery', '/config/rows']);
    const stream = await h.http('POST', '/v1/connections', body({ streams: [{ name: 'tickets', mapping: {}, identifierField: 'id' }] }));
    expect(stream.status).toBe(400);
    expect(stream.body.details).toEqual([expect.objectContaining({ path: '/streams/0/name' })]);
    const identifier = await h.http(
      'POST',
      '/v1/connections',
      body({ streams: [{ name: 'rows', mapping: { id: 'loyalty_tier' }, identifierField: 'id' }] }),
    );
    expect(identifier.status).toBe(400);
    expect(identifier.body.details).toEqual([expect.objectContaining({ path: '/streams/0/identifierField' })]);
    const mapping = await h.http(
      'POST',
      '/v1/connections',
      body({ streams: [{ name: 'rows', mapping: { x: { to: 'a', cast: 'money' } }, identifierField: 'id' }] }),
    );
    expect(mapping.status).toBe(400);
    const schedule = await h.http('POST', '/v1/connections', body({ schedule: { kind: 'cron', expression: '99 * * * *' } }));
    expect(schedule.status).toBe(400);
    expect(schedule.body.details).toEqual([expect.objectContaining({ path: '/schedule/expression' })]);
  });

  it('accepts stream names it cannot verify when the source cannot be reached', async () => {
    const res = await h.http(
      'POST',
      '/v1/connections',
      body({
        id: 'offline',
        config: { rows: 1, checkpointEvery: 1, apiKey: 'wrong' },
        streams: [{ name: 'later', mapping: {}, identifierField: 'id' }],
      }),
    );
    expect(res.status).toBe(201);
    expect((await h.http('POST', '/v1/connections/offline/check')).body).toEqual({
      ok: false,
      message: 'the generator rejected the api key',
    });
    expect((await h.http('GET', '/v1/connections/offline/discover')).status).toBe(400);
  });

  it('keeps secrets write-only: shown redacted, kept when sent back redacted, replaced when sent anew', async () => {
    await h.http('POST', '/v1/connections', body({ id: 'secret' }));
    const shown = (await h.http('GET', '/v1/connections/secret')).body;
    expect(shown.config).toEqual({ rows: 10, checkpointEvery: 5, apiKey: REDACTED });
    const stored = async () =>
      (await h.schema.pool.query('SELECT config FROM connections WHERE connection_id = $1', ['secret'])).rows[0].config.apiKey;
    expect((await h.http('PUT', '/v1/connections/secret', body({ config: shown.config }))).status).toBe(200);
    expect(await stored()).toBe('k-1');
    await h.http('PUT', '/v1/connections/secret', body({ config: { ...shown.config, apiKey: 'k-2' } }));
    expect(await stored()).toBe('k-2');
    expect(JSON.stringify((await h.http('GET', '/v1/connections')).body)).not.toContain('k-2');
  });

  it('proxies check and discover to the connector', async () => {
    await h.http('POST', '/v1/connections', body({ id: 'probe' }));
    expect((await h.http('POST', '/v1/connections/probe/check')).body).toEqual({ ok: true });
    const streams = (await h.http('GET', '/v1/connections/probe/discover')).body;
    expect(streams.map((s: { name: string; primaryKey: string[] }) => [s.name, s.primaryKey])).toEqual([
      ['rows', ['id']],
      ['extras', ['id']],
    ]);
  });

  it('refuses every route without the admin token', async () => {
    const res = await fetch(`${h.service.url}/v1/connections`);
    expect(res.status).toBe(401);
  });
});
