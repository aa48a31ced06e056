import { TOPIC_SPECS } from '@tessera/contracts';
import {
  CHILD_SERVICE_TOKENS,
  createTestSchema,
  createTestTopics,
  eventually,
  ServiceChildProcess,
  startTestBroker,
  type TestBroker,
  type TestSchema,
} from '@tessera/testing';
import { RawRecordsReader } from '../test-support/raw-records-reader';

const ROWS = 200_000;
const KILLS = 4;

/**
 * The whole service (the generated-rows catalog, otherwise main.ts) in a child process, SIGKILLed at random instants
 * while it syncs 200,000 rows (a checkpoint every 1,000), restarted each time. Afterwards every row is on
 * cdp.records.raw under exactly one message id, and the run completed from its checkpoints (several attempts, one
 * run). The topic may repeat a message the outbox relay had published just before a kill, with the same
 * tessera-seq (libs/kafka: consumers drop it); no row is ever committed twice.
 */
describe('connectors sync under kill -9 (embedded broker + Postgres, child process)', () => {
  let broker: TestBroker;
  let schema: TestSchema;
  let reader: RawRecordsReader;

  beforeAll(async () => {
    broker = await startTestBroker();
    await createTestTopics(
      broker.brokers,
      TOPIC_SPECS.map((spec) => ({ topic: spec.name, numPartitions: spec.partitions })),
    );
    schema = await createTestSchema('conn_crash');
    reader = new RawRecordsReader(broker.brokers);
    await reader.start();
  }, 60_000);

  afterAll(async () => {
    await ServiceChildProcess.killAll();
    await reader?.stop();
    await schema?.drop();
    await broker?.stop();
  });

  const launch = async () => {
    const child = await ServiceChildProcess.launch({
      service: 'connectors',
      entry: 'test-support/generated-connectors.main.ts',
      database: schema,
      brokers: broker.brokers,
      env: { CONNECTORS_LEASE_MS: '1500', CONNECTORS_POLL_MS: '100' },
    });
    await eventually(
      async () => ((await fetch(`http://127.0.0.1:${child.port}/readyz`).catch(() => null))?.status === 200 ? true : undefined),
      90_000,
      `connectors ready (${child.output()})`,
    );
    return child;
  };
  const api = async (port: number, path: string, body: unknown) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CHILD_SERVICE_TOKENS.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<{ id: string }>;
  };
  const runRow = async (runId: string) =>
    (
      await schema.pool.query<{ state: string; records_emitted: string; attempts: number; checkpoints: number }>(
        'SELECT state, records_emitted, attempts, checkpoints FROM runs WHERE run_id = $1',
        [runId],
      )
    ).rows[0];

  it('puts each of 200,000 rows on cdp.records.raw exactly once across repeated SIGKILLs, and completes the run from its checkpoints', async () => {
    let running = await launch();
    await api(running.port, '/v1/connections', {
      id: 'big',
      connector: 'generated-rows',
      config: { rows: ROWS, checkpointEvery: 1_000, delayMs: 15 },
      sourceId: 'warehouse',
      streams: [{ name: 'rows', mapping: { email: 'email', tier: 'loyalty_tier' }, identifierField: 'id' }],
    });
    const run = await api(running.port, '/v1/connections/big/runs', {});

    const progress: string[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      const before = Number((await runRow(run.id)).records_emitted);
      // spread the kills over the run: each lands after another 5,000-35,000 rows, between two checkpoints or in one
      const target = before + 5_000 + Math.floor(Math.random() * 30_000);
      await eventually(
        async () => (Number((await runRow(run.id)).records_emitted) >= target ? true : undefined),
        120_000,
        'progress before the kill',
      );
      await new Promise((r) => setTimeout(r, Math.random() * 100));
      expect((await running.kill('SIGKILL')).signal).toBe('SIGKILL');
      progress.push(`${(await runRow(run.id)).records_emitted}`);
      running = await launch();
    }

    await eventually(
      async () => ((await runRow(run.id)).state === 'succeeded' ? true : undefined),
      300_000,
      `the run to succeed (${JSON.stringify(await runRow(run.id))})`,
    );
    const keys = () => new Set(reader.ofRun(run.id).map((r) => r.origin!.rowKey)).size;
    await eventually(async () => (keys() >= ROWS ? true : undefined), 120_000, `every row on the topic (have ${keys()})`);
    await new Promise((r) => setTimeout(r, 1_000)); // a row committed twice would show up now
    await running.stop();

    const final = await runRow(run.id);
    expect(final).toMatchObject({ state: 'succeeded', records_emitted: String(ROWS) });
    expect(final.attempts).toBeGreaterThan(1);
    expect(progress.filter((p) => Number(p) < ROWS).length).toBeGreaterThan(0); // kills landed mid-run

    const idsByRow = new Map<string, Set<string>>();
    const seqByMessage = new Map<string, Set<string | undefined>>();
    for (const { value, seq } of reader.records.filter((r) => r.value.origin?.runId === run.id)) {
      const row = value.origin!.rowKey;
      idsByRow.set(row, (idsByRow.get(row) ?? new Set()).add(value.messageId));
      seqByMessage.set(value.messageId, (seqByMessage.get(value.messageId) ?? new Set()).add(seq));
    }
    expect(idsByRow.size).toBe(ROWS);
    expect([...idsByRow].filter(([, ids]) => ids.size !== 1).map(([row]) => row)).toEqual([]);
    // a repeated message is a relay republish: same tessera-seq, so consumers drop it
    expect([...seqByMessage].filter(([, seqs]) => seqs.size !== 1).map(([id]) => id)).toEqual([]);
    const onTopic = reader.ofRun(run.id).length;
    console.log(
      `connectors crash: ${ROWS} rows, ${final.attempts} attempts, ${final.checkpoints} checkpoints; emitted at each kill: ${progress.join(', ')}; ${onTopic - ROWS} relay republishes on the topic`,
    );
  }, 600_000);
});
