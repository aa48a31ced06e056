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
    expect((await h.http('GET', '/v1/computed-traits')).body.computedTraits.map((t: { key: string }) => t.key)).toEqual([
      'orders_30d',
      'spend_90d',
    ]);
    expect(
      (await h.http('GET', '/v1/computed-traits?limit=1&after=orders_30d')).body.computedTraits.map((t: { key: string }) => t.key),
    ).toEqual(['spend_90d']);
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

  it('a bad definition is 400 with a message and the JSON Pointer of every bad value', async () => {
    const bad = await h.http('POST', '/v1/computed-traits', {
      key: 'Spend',
      event: 'Order Completed',
      aggregate: 'sum',
      window: { days: 365 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^body\/\w+/);
    expect(bad.body.details).toEqual(
      expect.arrayContaining([
        { path: '/property', message: 'is required' },
        { path: '/key', message: expect.stringContaining('must match pattern') },
        { path: '/window/days', message: 'must be <= 180' },
      ]),
    );
  });

  it('a segment must name a defined computed trait (400 with the JSON Pointer), and a trait a live segment reads cannot be deleted (409)', async () => {
    const unknown = await h.http('POST', '/v1/segments', {
      id: 'u',
      name: 'u',
      rule: { all: [{ trait: 'traits.plan', op: 'exists' }, { not: { computed: 'nope_7d', op: 'gt', value: 1 } }] },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toBe(
      'body/rule/all/1/not/computed names no computed trait: nope_7d is not defined (POST /v1/computed-traits)',
    );
    expect(unknown.body.details).toEqual([{ path: '/rule/all/1/not/computed', message: expect.stringContaining('nope_7d') }]);
    const prediction = await h.http('POST', '/v1/segments', {
      id: 'u',
      name: 'u',
      rule: { computed: 'ltv_band', op: 'eq', value: 'high' },
    });
    expect(prediction.status).toBe(400);
    expect(prediction.body.details).toEqual([{ path: '/rule/computed', message: expect.stringContaining('{ "prediction": "ltv_band"') }]);
    expect(
      (await h.http('POST', '/v1/segments', { id: 'ltv', name: 'ltv', rule: { prediction: 'ltv_band', op: 'eq', value: 'high' } })).status,
    ).toBe(201);
    expect((await h.http('POST', '/v1/segments/preview', { rule: { computed: 'nope_7d', op: 'exists' } })).body.details).toEqual([
      { path: '/rule/computed', message: expect.stringContaining('nope_7d is not defined') },
    ]);

    const weekly = { key: 'orders_7d', event: 'Order Completed', aggregate: 'count', window: { days: 7 } };
    expect((await h.http('POST', '/v1/computed-traits', weekly)).status).toBe(201);
    for (const id of ['weekly-b', 'weekly-a'])
      expect(
        (await h.http('POST', '/v1/segments', { id, name: id, rule: { any: [{ computed: 'orders_7d', op: 'gte', value: 1 }] } })).status,
      ).toBe(201);
    const refused = await h.http('DELETE', '/v1/computed-traits/orders_7d');
    expect(refused.status).toBe(409);
    expect(refused.body.message).toBe('computed trait orders_7d is read by segment weekly-a, weekly-b');
    expect((await h.http('PUT', '/v1/segments/weekly-a', { name: 'a', rule: { trait: 'traits.plan', op: 'exists' } })).status).toBe(200);
    expect((await h.http('DELETE', '/v1/segments/weekly-b')).status).toBe(204);
    expect((await h.http('DELETE', '/v1/computed-traits/orders_7d')).status).toBe(204);
  });

  it('needs the admin token on every route', async () => {
    for (const [method, path] of [
      ['GET', '/v1/computed-traits'],
      ['POST', '/v1/computed-traits'],
      ['GET', '/v1/computed-traits/orders_30d'],
      ['PUT', '/v1/computed-traits/orders_30d'],
      ['DELETE', '/v1/computed-traits/orders_30d'],
    ]) {
      expect((await fetch(`${h.service.url}${path}`, { method })).status).toBe(401);
    }
  });
});
