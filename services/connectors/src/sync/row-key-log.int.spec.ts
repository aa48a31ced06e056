import { ConnectorsHarness } from '../test-support/connectors-harness';

const connection = (rows: number) => ({
  sourceId: 'billing',
  unsetMissingOnFullRefresh: true,
  connector: 'generated-rows',
  config: { rows, checkpointEvery: 2 },
  streams: [{ name: 'rows', mapping: { email: 'email', tier: 'loyalty_tier' }, identifierField: 'id', brandField: 'brand' }],
});

describe('row keys as one batch per checkpoint (embedded broker + Postgres)', () => {
  const h = new ConnectorsHarness();
  // a low compaction minimum, so four rows of incremental reads already compact
  beforeAll(() => h.start('conn_row_keys', undefined, { rowKeyCompactionMinimum: 4 }), 120_000);
  afterAll(() => h.stop());

  const batches = async (connectionId: string) =>
    (
      await h.schema.pool.query<{ compacted: boolean; keys: number; row_keys: string[] }>(
        'SELECT compacted, keys, row_keys FROM row_key_batches WHERE connection_id = $1 ORDER BY seq',
        [connectionId],
      )
    ).rows;

  it('writes one row per checkpoint, compacts incremental batches, and a full refresh still reports rows first seen incrementally', async () => {
    await h.http('POST', '/v1/connections', { id: 'grow', ...connection(4) });
    const first = await h.waitForRun((await h.runNow('grow')).id);
    expect(first).toMatchObject({ state: 'succeeded', fullRefresh: true, disappeared: 0 });
    // two checkpoints of two rows (the empty ones at the end write no batch); a first run is the complete key set
    expect(await batches('grow')).toEqual([
      { compacted: true, keys: 2, row_keys: ['r-0', 'r-1'] },
      { compacted: true, keys: 2, row_keys: ['r-2', 'r-3'] },
    ]);

    // five new keys (r-4..r-8) outweigh the four compacted ones: rewritten as one occurrence per key
    await h.http('PUT', '/v1/connections/grow', connection(9));
    expect(await h.waitForRun((await h.runNow('grow')).id)).toMatchObject({ state: 'succeeded', fullRefresh: false });
    const compacted = await batches('grow');
    expect(compacted).toHaveLength(1);
    expect(compacted[0]).toMatchObject({ compacted: true, keys: 9 });
    expect([...compacted[0].row_keys].sort()).toEqual(['r-0', 'r-1', 'r-2', 'r-3', 'r-4', 'r-5', 'r-6', 'r-7', 'r-8']);

    // two more (r-9, then r-10 at the end) stay loose: fewer than the compacted nine
    await h.http('PUT', '/v1/connections/grow', connection(11));
    await h.waitForRun((await h.runNow('grow')).id);
    expect((await batches('grow')).map((b) => [b.compacted, b.keys])).toEqual([
      [true, 9],
      [false, 1],
      [false, 1],
    ]);

    await h.http('PUT', '/v1/connections/grow', connection(2));
    const refresh = await h.waitForRun((await h.runNow('grow', { fullRefresh: true })).id);
    expect(refresh).toMatchObject({ state: 'succeeded', fullRefresh: true, recordsEmitted: 2, disappeared: 9 });
    const listed = (await h.http('GET', `/v1/runs/${refresh.id}/disappeared?limit=100`)).body as Array<{ rowKey: string }>;
    expect(listed.map((d) => d.rowKey).sort()).toEqual(['r-10', 'r-2', 'r-3', 'r-4', 'r-5', 'r-6', 'r-7', 'r-8', 'r-9']);
    const records = await h.recordsOf(refresh.id, 11);
    const r9 = records.find((r) => r.origin!.rowKey === 'r-9')!; // first seen in an incremental run, never compacted
    expect(JSON.parse(r9.attributes)).toEqual({ id: 'south:r-9', email: null, tier: null, brand: 'south' });
    const r6 = records.find((r) => r.origin!.rowKey === 'r-6')!; // first seen incrementally, then compacted
    expect(JSON.parse(r6.attributes)).toEqual({ id: 'north:r-6', email: null, tier: null, brand: 'north' });
    // only the refresh's own keys are left, as the stream's complete set
    expect(await batches('grow')).toEqual([{ compacted: true, keys: 2, row_keys: ['r-0', 'r-1'] }]);

    expect((await h.waitForRun((await h.runNow('grow', { fullRefresh: true })).id)).disappeared).toBe(0);
  });

  it('forgets a deleted connection’s row keys', async () => {
    await h.http('POST', '/v1/connections', { id: 'gone', ...connection(3) });
    await h.waitForRun((await h.runNow('gone')).id);
    expect((await batches('gone')).length).toBeGreaterThan(0);
    expect((await h.http('DELETE', '/v1/connections/gone')).status).toBe(204);
    expect(await batches('gone')).toEqual([]);
  });
});
