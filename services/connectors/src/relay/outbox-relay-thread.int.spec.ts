import { inTransaction, lockWriterLane, writePackedOutbox } from '@tessera/kafka';
import type { Pool } from '@tessera/persistence';
import { SERVICE_PG_POOL } from '@tessera/service-kit';
import { eventually } from '@tessera/testing';
import { isMainThread, threadId } from 'node:worker_threads';
import { compileStreamPlan } from '../connections/stream-plan';
import { CheckpointBatch } from '../sync/checkpoint-batch';
import { encodeRecord } from '../sync/record-encoder';
import { ConnectorsHarness } from '../test-support/connectors-harness';
import { OutboxRelayThreadService } from './outbox-relay-thread.service';

describe('the outbox relay on a worker thread (embedded broker + Postgres)', () => {
  const h = new ConnectorsHarness();
  beforeAll(() => h.start('conn_relay_thread'), 120_000);
  afterAll(() => h.stop());
  const relayThread = () => h.service.app.get(OutboxRelayThreadService).thread;

  /** Every row once under one message id; a message seen twice is a relay republish (same tessera-seq). */
  function expectExactlyOnce(runId: string, rows: number): void {
    const idsByRow = new Map<string, Set<string>>();
    const seqsById = new Map<string, Set<string | undefined>>();
    for (const { value, seq } of h.reader.records.filter((r) => r.value.origin?.runId === runId)) {
      idsByRow.set(value.origin!.rowKey, (idsByRow.get(value.origin!.rowKey) ?? new Set()).add(value.messageId));
      seqsById.set(value.messageId, (seqsById.get(value.messageId) ?? new Set()).add(seq));
    }
    expect(idsByRow.size).toBe(rows);
    expect([...idsByRow].filter(([, ids]) => ids.size !== 1)).toEqual([]);
    expect([...seqsById].filter(([, seqs]) => seqs.size !== 1)).toEqual([]);
  }

  it('publishes the records from a thread of its own, and its counters reach the service /metrics', async () => {
    expect(isMainThread).toBe(true);
    expect(relayThread().threadId).toBeGreaterThan(threadId);
    await h.connection('counted', { rows: 2_000, checkpointEvery: 250 });
    const run = await h.runNow('counted');
    await h.waitForRun(run.id);
    await h.recordsOf(run.id, 2_000);
    await eventually(
      async () => {
        const text = await (await fetch(`${h.service.url}/metrics`)).text();
        const line = text
          .split('\n')
          .find((l) => l.startsWith('tessera_connectors_outbox_published_messages_total{topic="cdp.records.raw"'));
        return line && Number(line.split(' ').pop()) >= 2_000 ? line : undefined;
      },
      10_000,
      'the relay thread counters on /metrics',
    );
    expectExactlyOnce(run.id, 2_000);
  });

  it('publishes the packed rows the main thread moved to it, without reading them back from the table', async () => {
    const compiled = compileStreamPlan({ name: 'rows', mapping: { email: 'email' }, identifierField: 'id' }, 'rows');
    if ('problem' in compiled) throw new Error(compiled.problem.message);
    const origin = { connectionId: 'forwarded', runId: 'run-forwarded', sourceId: 'src-forwarded' };
    const records = new CheckpointBatch();
    // 40 records: a packed row of over 4 kB, which has an ArrayBuffer of its own (a smaller one is in Node's pool)
    const rowKeys = Array.from({ length: 40 }, (_, i) => `r-${i + 1}`);
    for (const rowKey of rowKeys)
      records.add(
        encodeRecord(compiled.plan, origin, 'rows', { rowKey, data: { id: rowKey, email: `${rowKey}@example.com` } }, 0, Date.now()),
      );
    const rows = records.take().packed;
    expect(rows.map((r) => r.packed.byteLength > 4096)).toEqual([true]);
    await inTransaction(h.service.app.get<Pool>(SERVICE_PG_POOL), async (tx) => {
      await writePackedOutbox(tx, await lockWriterLane(tx, 'forwarding-test'), rows);
      // Spoil the stored bytes before they commit: only a relay holding the forwarded row publishes it right.
      await tx.query(`UPDATE kafka_outbox_batches SET packed = '\\x00'::bytea WHERE lane = 'w:forwarding-test'`);
    });
    // moved to the relay thread, not copied: this thread's view of it is empty
    expect(rows[0].packed.byteLength).toBe(0);
    const published = await h.recordsOf('run-forwarded', 40);
    expect(published.map((r) => r.origin!.rowKey).sort()).toEqual([...rowKeys].sort());
  });

  it('replaces a relay thread that dies mid-run: every row still arrives once', async () => {
    await h.connection('interrupted', { rows: 30_000, checkpointEvery: 500 });
    const run = await h.runNow('interrupted');
    await h.waitFor(async () => (h.reader.ofRun(run.id).length > 0 ? true : undefined), 30_000, 'the first records');
    const first = relayThread().threadId;
    await relayThread().interrupt();
    await h.waitFor(
      async () => (relayThread().threadId !== undefined && relayThread().threadId !== first ? true : undefined),
      10_000,
      'a new relay thread',
    );
    expect((await h.waitForRun(run.id)).state).toBe('succeeded');
    const keys = () => new Set(h.reader.ofRun(run.id).map((r) => r.origin!.rowKey)).size;
    await h.waitFor(async () => (keys() >= 30_000 ? true : undefined), 60_000, `every row on the topic (have ${keys()})`);
    await new Promise((r) => setTimeout(r, 500)); // a row published twice under two ids would show up now
    expectExactlyOnce(run.id, 30_000);
  }, 120_000);
});
