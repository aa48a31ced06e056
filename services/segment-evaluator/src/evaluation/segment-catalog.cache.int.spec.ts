import { inTransaction } from '@tessera/kafka';
import { loadSegmentSettings } from '../config/segment-settings';
import { EvaluatorHarness } from '../test-support/evaluator-harness';
import { SegmentCatalogCache } from './segment-catalog.cache';

/** The definitions cache is keyed on definitions_epoch, which every definition write bumps in its transaction. */
describe('SegmentCatalogCache', () => {
  const h = new EvaluatorHarness();
  // a second replica's cache, on the same schema: it never sees the API calls, only the database
  const replica = new SegmentCatalogCache(loadSegmentSettings({}));
  const load = () => inTransaction(h.schema.pool, (tx) => replica.load(tx));

  beforeAll(() => h.start('segments_catalog_cache', Date.UTC(2026, 7, 1)), 90_000);
  afterAll(() => h.stop());

  it('keeps the parsed definitions while nothing changed, and re-reads them after any edit, delete or computed-trait change', async () => {
    expect(
      (await h.http('POST', '/v1/segments', { id: 'gold', name: 'gold', rule: { trait: 'traits.tier', op: 'eq', value: 'gold' } })).status,
    ).toBe(201);
    const first = await load();
    expect(first.segments.get('gold')?.version).toBe(1);
    expect(await load()).toBe(first);

    expect(
      (await h.http('PUT', '/v1/segments/gold', { id: 'gold', name: 'gold', rule: { trait: 'traits.tier', op: 'eq', value: 'platinum' } }))
        .status,
    ).toBe(200);
    const edited = await load();
    expect(edited).not.toBe(first);
    expect(edited.segments.get('gold')).toMatchObject({ version: 2, rule: { value: 'platinum' } });
    expect(edited.index.affected({ fields: ['traits.tier'] })).toEqual(new Set(['gold']));

    expect(
      (
        await h.http('POST', '/v1/computed-traits', {
          key: 'orders_30d',
          event: 'Order Completed',
          aggregate: 'count',
          window: { days: 30 },
        })
      ).status,
    ).toBe(201);
    expect((await load()).computedTraits.has('orders_30d')).toBe(true);

    expect((await h.http('DELETE', '/v1/segments/gold')).status).toBe(204);
    expect((await load()).segments.has('gold')).toBe(false);
  });
});
