import type { Connector } from '@tessera/connector-sdk';
import { filesConnector } from '@tessera/connectors';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectorsHarness } from '../test-support/connectors-harness';
import { generatedRowsConnector } from '../test-support/generated-rows.connector';

const config = (rows: number) => ({
  connector: 'generated-rows',
  config: { rows, checkpointEvery: 4 },
  streams: [{ name: 'rows', mapping: { email: 'email', tier: { to: 'loyalty_tier' } }, identifierField: 'id', brandField: 'brand' }],
});

describe('full refresh: disappeared rows (embedded broker + Postgres)', () => {
  const h = new ConnectorsHarness();
  // a CRM's whole export at a URL, regenerated now and then (Last-Modified moves on)
  let exportCsv = 'customer_id,email\nc1,c1@example.com\nc2,c2@example.com\nc3,c3@example.com\n';
  let exportedAt = new Date('2026-12-01T00:00:00Z');
  let server: Server;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (Date.parse(req.headers['if-modified-since'] ?? '') >= exportedAt.getTime()) return void res.writeHead(304).end();
      res.writeHead(200, { 'content-type': 'text/csv', 'last-modified': exportedAt.toUTCString() }).end(exportCsv);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    await h.start('conn_refresh', [generatedRowsConnector, filesConnector] as ReadonlyArray<Connector<never>>);
  }, 120_000);
  afterAll(async () => {
    await h.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

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

  it('a snapshot URL: an incremental run that reads a new version of the export whole settles the rows it lacks', async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/crm.csv`;
    await h.http('POST', '/v1/connections', {
      id: 'export',
      connector: 'files',
      config: { streams: [{ name: 'crm', url, format: 'csv', primaryKey: 'customer_id', snapshot: true }] },
      streams: [{ name: 'crm', mapping: { email: 'email' }, identifierField: 'customer_id' }],
      unsetMissingOnFullRefresh: true,
    });
    expect((await h.waitForRun((await h.runNow('export')).id)).recordsEmitted).toBe(3);
    exportCsv = 'customer_id,email\nc1,c1@example.com\nc3,c3@example.com\n'; // c2 was deleted in the CRM
    exportedAt = new Date('2026-12-02T00:00:00Z');
    const run = await h.waitForRun((await h.runNow('export')).id);
    expect(run).toMatchObject({ state: 'succeeded', fullRefresh: false, recordsEmitted: 2, disappeared: 1 });
    expect((await h.http('GET', `/v1/runs/${run.id}/disappeared`)).body).toEqual([{ stream: 'crm', rowKey: 'c2' }]);
    const unset = (await h.recordsOf(run.id, 3)).find((r) => r.origin!.rowKey === 'c2')!;
    expect(JSON.parse(unset.attributes)).toEqual({ customer_id: 'c2', email: null });
    // the same version again: nothing read, nothing settled
    expect(await h.waitForRun((await h.runNow('export')).id)).toMatchObject({ recordsEmitted: 0, disappeared: null });
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
