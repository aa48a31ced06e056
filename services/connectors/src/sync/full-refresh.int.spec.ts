import { ConnectorsHarness } from '../test-support/connectors-harness';

const config = (rows: number) => ({
  connector: 'generated-rows',
  config: { rows, checkpointEvery: 4 },
  streams: [{ name: 'rows', mapping: { email: 'email', tier: { to: 'loyalty_tier' } }, identifierField: 'id', brandField: 'brand' }],
});

describe('full refresh: disappeared rows (embedded broker + Postgres)', () => {
  const h = new ConnectorsHarness();
  beforeAll(() => h.start('conn_refresh'), 120_000);
  afterAll(() => h.stop());

  it('reports the rows a full refresh no longer sees, pages them, and unsets what the mapping brought when asked', async () => {
    await h.http('POST', '/v1/connections', { id: 'shrink', sourceId: 'billing', unsetMissingOnFullRefresh: true, ...config(10) });
    await h.waitForRun((await h.runNow('shrink')).id);
    await h.http('PUT', '/v1/connections/shrink', { sourceId: 'billing', unsetMissingOnFullRefresh: true, ...config(7) });
    const incremental = await h.waitForRun((await h.runNow('shrink')).id);
    expect(incremental.disappeared).toBeNull(); // only a full refresh can tell

    const run = await h.waitForRun((await h.runNow('shrink', { fullRefresh: true })).id);
    expect(run).toMatchObject({ state: 'succeeded', fullRefresh: true, recordsEmitted: 7, disappeared: 3 });
    const page1 = (await h.http('GET', `/v1/runs/${run.id}/disappeared?limit=2`)).body;
    expect(page1).toEqual([
      { stream: 'rows', rowKey: 'r-7' },
      { stream: 'rows', rowKey: 'r-8' },
    ]);
    expect((await h.http('GET', `/v1/runs/${run.id}/disappeared?limit=2&after=rows:r-8`)).body).toEqual([
      { stream: 'rows', rowKey: 'r-9' },
    ]);

    const records = await h.recordsOf(run.id, 10);
    const unset = records.filter((r) => ['r-7', 'r-8', 'r-9'].includes(r.origin!.rowKey));
    expect(unset).toHaveLength(3);
    const r8 = unset.find((r) => r.origin!.rowKey === 'r-8')!;
    expect(r8).toMatchObject({
      sourceId: 'billing',
      recordId: 'north:r-8',
      mapping: { email: 'email', id: 'crm_id' },
      renames: { tier: 'loyalty_tier' },
      casts: {},
    });
    expect(JSON.parse(r8.attributes)).toEqual({ id: 'north:r-8', email: null, tier: null, brand: 'north' });

    const again = await h.waitForRun((await h.runNow('shrink', { fullRefresh: true })).id);
    expect(again.disappeared).toBe(0);
  });

  it('reports disappeared rows without emitting anything for them when the connection does not ask to unset', async () => {
    await h.http('POST', '/v1/connections', { id: 'report', ...config(5) });
    await h.waitForRun((await h.runNow('report')).id);
    await h.http('PUT', '/v1/connections/report', config(3));
    const run = await h.waitForRun((await h.runNow('report', { fullRefresh: true })).id);
    expect(run.disappeared).toBe(2);
    await h.recordsOf(run.id, 3);
    await new Promise((r) => setTimeout(r, 300));
    expect(h.reader.ofRun(run.id)).toHaveLength(3);
  });
});
