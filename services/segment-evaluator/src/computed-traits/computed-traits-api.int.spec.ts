import { EvaluatorHarness } from '../test-support/evaluator-harness';

const T0 = Date.UTC(2026, 5, 1);
const orders30d = { key: 'orders_30d', event: 'Order Completed', aggregate: 'count', window: { days: 30 } };

/** The computed-trait definitions admin API over HTTP, on real Postgres and the embedded broker. */
describe('computed traits API', () => {
  const h = new EvaluatorHarness();
  beforeAll(() => h.start('computed_traits_api', T0), 90_000);
  afterAll(() => h.stop());

  it('creates, reads, lists, updates (a new version) and deletes; keys are not reused', async () => {
    const created = await h.http('POST', '/v1/computed-traits', orders30d);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...orders30d, version: 1 });
    expect((await h.http('GET', '/v1/computed-traits/orders_30d')).body).toMatchObject({ key: 'orders_30d', version: 1 });
    const spend = { key: 'spend_90d', event: 'Order Completed', aggregate: 'sum', property: 'order.revenue', window: { days: 90 } };
    expect((await h.http('POST', '/v1/computed-traits', spend)).status).toBe(201);
    expect((await h.http('GET', '/v1/computed-traits')).body.computedTraits.map((t: { key: string }) => t.key)).toEqual(['orders_30d', 'spend_90d']);
    expect((await h.http('GET', '/v1/computed-traits?limit=1&after=orders_30d')).body.computedTraits.map((t: { key: string }) => t.key)).toEqual(['spend_90d']);
    const edited = await h.http('PUT', '/v1/computed-traits/orders_30d', { ...orders30d, window: { days: 7 } });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ window: { days: 7 }, version: 2 });
    expect((await h.http('PUT', '/v1/computed-traits/orders_30d', { ...orders30d, key: 'other' })).status).toBe(400);
    expect((await h.http('PUT', '/v1/computed-traits/nope', { ...orders30d, key: 'nope' })).status).toBe(404);
    expect((await h.http('POST', '/v1/computed-traits', orders30d)).status).toBe(409);
    expect((await h.http('DELETE', '/v1/computed-traits/spend_90d')).status).toBe(204);
    expect((await h.http('GET', '/v1/computed-traits/spend_90d')).status).toBe(404);
    expect((await h.http('DELETE', '/v1/computed-traits/spend_90d')).status).toBe(404);
    expect((await h.http('POST', '/v1/computed-traits', spend)).status).toBe(409);
  });

  it('a bad definition is 400 with a message and the JSON path of every bad value', async () => {
    const bad = await h.http('POST', '/v1/computed-traits', { key: 'Spend', event: 'Order Completed', aggregate: 'sum', window: { days: 365 } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^definition \$\.\w+/);
    expect(bad.body.details).toEqual(expect.arrayContaining([
      { path: '$.property', message: 'is required' },
      { path: '$.key', message: expect.stringContaining('must match pattern') },
      { path: '$.window.days', message: 'must be <= 180' },
    ]));
  });

  it('needs the admin token on every route', async () => {
    for (const [method, path] of [['GET', '/v1/computed-traits'], ['POST', '/v1/computed-traits'], ['GET', '/v1/computed-traits/orders_30d'], ['PUT', '/v1/computed-traits/orders_30d'], ['DELETE', '/v1/computed-traits/orders_30d']]) {
      expect((await fetch(`${h.service.url}${path}`, { method })).status).toBe(401);
    }
  });
});
