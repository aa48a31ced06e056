import { ConnectorsHarness } from '../test-support/connectors-harness';

const rowIds = (records: Array<{ origin: { rowKey: string } | null }>) =>
  records.map((r) => r.origin!.rowKey).sort((a, b) => Number(a.slice(2)) - Number(b.slice(2)));
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `r-${from + i}`);

describe('runs (embedded broker + Postgres, generated-rows connector)', () => {
  const h = new ConnectorsHarness();
  beforeAll(() => h.start('conn_runs', undefined, { maxUncheckpointedRecords: 1_000 }), 120_000);
  afterAll(() => h.stop());

  it('emits exactly the rows as RawRecord v2 (origin, renames, casts, key sourceId:recordId) and records the run', async () => {
    await h.http('POST', '/v1/connections', {
      id: 'full',
      connector: 'generated-rows',
      config: { rows: 12, checkpointEvery: 5 },
      sourceId: 'crm',
      streams: [{ name: 'rows', mapping: { email: 'email', tier: 'loyalty_tier', n: { to: 'n', cast: 'number' } }, identifierField: 'id' }],
    });
    const run = await h.runNow('full');
    expect(run).toMatchObject({ state: 'queued', fullRefresh: true, trigger: 'manual', cursorBefore: { rows: null } });
    const done = await h.waitForRun(run.id);
    expect(done).toMatchObject({
      state: 'succeeded',
      recordsRead: 12,
      recordsEmitted: 12,
      recordsRejected: 0,
      estimatedTotal: 12,
      cursorAfter: { rows: { next: 12 } },
      streamsDone: ['rows'],
      error: null,
    });
    expect(Date.parse(done.finishedAt)).toBeGreaterThanOrEqual(Date.parse(done.startedAt));
    const records = await h.recordsOf(run.id, 12);
    await new Promise((r) => setTimeout(r, 300)); // a duplicate would arrive now
    expect(rowIds(h.reader.ofRun(run.id))).toEqual(range(0, 12));
    const first = h.reader.records.find((r) => r.value.origin?.rowKey === 'r-3')!;
    expect(first.key).toBe('crm:r-3');
    expect(first.value).toMatchObject({
      sourceId: 'crm',
      recordId: 'r-3',
      objectType: 'rows',
      mapping: { email: 'email', id: 'crm_id' },
      renames: { tier: 'loyalty_tier' },
      casts: { n: 'number' },
      origin: { connectionId: 'full', runId: run.id, stream: 'rows', rowKey: 'r-3' },
    });
    expect(JSON.parse(first.value.attributes)).toEqual({ id: 'r-3', email: 'r-3@example.com', tier: 'tier-3', n: 3 });
    expect(new Set(records.map((r) => r.messageId)).size).toBe(12);
  });

  it('takes a page of records in one message as it takes them one by one, and resumes after it', async () => {
    await h.connection('pages', { rows: 12, checkpointEvery: 5, pages: true });
    const run = await h.waitForRun((await h.runNow('pages')).id);
    expect(run).toMatchObject({
      state: 'succeeded',
      recordsRead: 12,
      recordsEmitted: 12,
      recordsRejected: 0,
      cursorAfter: { rows: { next: 12 } },
    });
    await h.recordsOf(run.id, 12);
    await h.http('PUT', '/v1/connections/pages', {
      connector: 'generated-rows',
      config: { rows: 17, checkpointEvery: 5, pages: true },
      sourceId: 'src-pages',
      streams: [{ name: 'rows', mapping: { email: 'email' }, identifierField: 'id' }],
    });
    const next = await h.waitForRun((await h.runNow('pages')).id);
    expect(next).toMatchObject({ state: 'succeeded', recordsEmitted: 5, cursorAfter: { rows: { next: 17 } } });
    await h.recordsOf(next.id, 5);
    expect(rowIds(h.reader.ofRun(run.id))).toEqual(range(0, 12));
    expect(rowIds(h.reader.ofRun(next.id))).toEqual(range(12, 17));
  });

  it('continues incrementally from the saved cursor, then re-reads everything on a full refresh', async () => {
    await h.connection('incr', { rows: 10, checkpointEvery: 4 });
    const first = await h.waitForRun((await h.runNow('incr')).id);
    await h.http('PUT', '/v1/connections/incr', {
      connector: 'generated-rows',
      config: { rows: 15, checkpointEvery: 4 },
      sourceId: 'src-incr',
      streams: [{ name: 'rows', mapping: { email: 'email' }, identifierField: 'id' }],
    });
    const second = await h.waitForRun((await h.runNow('incr')).id);
    expect(second).toMatchObject({
      state: 'succeeded',
      fullRefresh: false,
      cursorBefore: { rows: { next: 10 } },
      cursorAfter: { rows: { next: 15 } },
      recordsEmitted: 5,
      estimatedTotal: 5,
    });
    expect(rowIds(await h.recordsOf(second.id, 5))).toEqual(range(10, 15));
    const full = await h.waitForRun((await h.runNow('incr', { fullRefresh: true })).id);
    expect(full).toMatchObject({ fullRefresh: true, cursorBefore: { rows: null }, recordsEmitted: 15, disappeared: 0 });
    expect(first.recordsEmitted).toBe(10);
  });

  it('never runs two runs of a connection at once (409 naming the active one)', async () => {
    await h.connection('busy', { rows: 50, checkpointEvery: 5, delayMs: 100 });
    const run = await h.runNow('busy');
    const second = await h.http('POST', '/v1/connections/busy/runs', {});
    expect(second.status).toBe(409);
    expect(second.body.message).toContain(run.id);
    await h.waitForRun(run.id);
    expect((await h.http('POST', '/v1/connections/busy/runs', {})).status).toBe(201);
  });

  it('cancels a running run: it stops, and nothing after its last checkpoint is committed', async () => {
    await h.connection('slow', { rows: 1_000, checkpointEvery: 10, delayMs: 100 });
    const run = await h.runNow('slow');
    await h.waitFor(
      async () => ((await h.http('GET', `/v1/runs/${run.id}`)).body.checkpoints >= 2 ? true : undefined),
      20_000,
      'two checkpoints',
    );
    const cancelled = await h.http('POST', `/v1/runs/${run.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.state).toBe('cancelled');
    await new Promise((r) => setTimeout(r, 500)); // a checkpoint that slipped through would be committed by now
    const after = (await h.http('GET', `/v1/runs/${run.id}`)).body;
    expect(after.state).toBe('cancelled');
    expect(after.recordsEmitted).toBeLessThan(1_000);
    const committed = Number(
      (await h.schema.pool.query(`SELECT cursor->>'next' AS next FROM stream_cursors WHERE connection_id = 'slow'`)).rows[0].next,
    );
    expect(after.recordsEmitted).toBe(committed);
    expect(rowIds(await h.recordsOf(run.id, committed))).toEqual(range(0, committed));
    expect((await h.http('POST', `/v1/runs/${run.id}/cancel`)).status).toBe(409);
  });

  it('fails a run whose connector emits more records without a checkpoint than the limit, with a clear error', async () => {
    await h.connection('nocheck', { rows: 1_500, checkpointEvery: 1, noCheckpoints: true });
    const run = await h.waitForRun((await h.runNow('nocheck')).id);
    expect(run.state).toBe('failed');
    expect(run.error).toContain('more than 1000 records without a checkpoint');
    expect(h.reader.ofRun(run.id)).toEqual([]);
  });

  it('namespaces record ids and crm ids by the brand column and writes the brand attribute', async () => {
    await h.connection(
      'brands',
      { rows: 2, checkpointEvery: 10 },
      { streams: [{ name: 'rows', mapping: { email: 'email' }, identifierField: 'id', brandField: 'brand' }] },
    );
    const run = await h.waitForRun((await h.runNow('brands')).id);
    const records = await h.recordsOf(run.id, 2);
    const r1 = records.find((r) => r.origin!.rowKey === 'r-1')!;
    expect(r1.recordId).toBe('south:r-1');
    expect(JSON.parse(r1.attributes)).toEqual({ id: 'south:r-1', email: 'r-1@example.com', brand: 'south' });
  });

  it('resumes a run left running by a dead process from its last checkpoint once the lease ran out', async () => {
    await h.connection('orphan', { rows: 20, checkpointEvery: 5 });
    // what a process killed after committing two checkpoints leaves behind
    await h.schema.pool.query(
      `INSERT INTO runs (run_id, connection_id, state, trigger, full_refresh, cursor_before, cursor_after, records_read, records_emitted, checkpoints, started_at, lease_owner, lease_until, attempts)
       VALUES ('orphan-run', 'orphan', 'running', 'manual', true, '{"rows": null}', '{"rows": {"next": 10}}', 10, 10, 2, now(), 'dead', now() - interval '1 second', 1)`,
    );
    const run = await h.waitForRun('orphan-run');
    expect(run).toMatchObject({ state: 'succeeded', recordsEmitted: 20, attempts: 2, cursorAfter: { rows: { next: 20 } } });
    expect(rowIds(await h.recordsOf('orphan-run', 10))).toEqual(range(10, 20));
  });

  it('does not claim a run it is still executing when its lease runs out (a late heartbeat): one execution, each row once', async () => {
    // a checkpoint (which renews the lease too) every 300 ms
    await h.connection('late', { rows: 200, checkpointEvery: 10, delayMs: 300 });
    const run = await h.runNow('late');
    await h.waitFor(
      async () => ((await h.http('GET', `/v1/runs/${run.id}`)).body.checkpoints >= 2 ? true : undefined),
      20_000,
      'two checkpoints',
    );
    // What a heartbeat held up past the lease leaves for the next polls (every 50 ms) to see: on a loaded machine
    // the renewal can wait behind a checkpoint transaction that holds the run row.
    for (let i = 0; i < 10; i++) {
      await h.schema.pool.query(`UPDATE runs SET lease_until = now() - interval '1 second' WHERE run_id = $1`, [run.id]);
      await new Promise((r) => setTimeout(r, 60));
    }
    expect(await h.waitForRun(run.id)).toMatchObject({ state: 'succeeded', attempts: 1, recordsEmitted: 200 });
    await h.recordsOf(run.id, 200);
    await new Promise((r) => setTimeout(r, 500)); // a second execution's records would be on the topic by now
    expect(rowIds(h.reader.ofRun(run.id))).toEqual(range(0, 200));
  });

  it('reads every chosen stream, and a resumed run skips the streams it finished', async () => {
    const streams = ['rows', 'extras'].map((name) => ({ name, mapping: { email: 'email' }, identifierField: 'id' }));
    await h.connection('two', { rows: 6, checkpointEvery: 4 }, { streams });
    const run = await h.waitForRun((await h.runNow('two')).id);
    expect(run).toMatchObject({
      state: 'succeeded',
      recordsEmitted: 12,
      streamsDone: ['rows', 'extras'],
      cursorAfter: { rows: { next: 6 }, extras: { next: 6 } },
    });
    expect((await h.recordsOf(run.id, 12)).map((r) => r.origin!.rowKey).sort()).toEqual(
      [...range(0, 6), ...range(0, 6).map((k) => k.replace('r-', 'x-'))].sort(),
    );

    await h.connection('two-orphan', { rows: 6, checkpointEvery: 4 }, { streams });
    await h.schema.pool.query(
      `INSERT INTO runs (run_id, connection_id, state, trigger, full_refresh, cursor_before, cursor_after, streams_done, records_read, records_emitted, checkpoints, started_at, lease_owner, lease_until, attempts)
       VALUES ('two-orphan-run', 'two-orphan', 'running', 'manual', true, '{"rows": null, "extras": null}', '{"rows": {"next": 6}, "extras": {"next": 4}}', '{rows}', 10, 10, 3, now(), 'dead', now() - interval '1 second', 1)`,
    );
    const resumed = await h.waitForRun('two-orphan-run');
    expect(resumed).toMatchObject({ state: 'succeeded', recordsEmitted: 12, streamsDone: ['rows', 'extras'] });
    expect((await h.recordsOf('two-orphan-run', 2)).map((r) => r.origin!.rowKey).sort()).toEqual(['x-4', 'x-5']);
  });
});
