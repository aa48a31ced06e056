/**
 * The transport floor's measurement (see run.ts): two exactly-once stages that only move events, on a rig the caller
 * made, so other benches can measure the floor in the same run as their own service (bench/segment-evaluator).
 */
import { Topics } from '@tessera/contracts';
import { freePort } from '@tessera/testing';
import type { Admin } from 'kafkajs';
import { Client } from 'pg';
import { encodedWorkload, EVENTS_PER_PERSON } from '../customer-360/workload';
import { postgresCpuSeconds } from '../shared/postgres-cpu';
import { fmt } from '../shared/bench-report';
import type { BenchRig } from '../shared/bench-rig';
import { CpuMeter } from '../shared/cpu-meter';
import { committed, endOffset, produceRange } from '../shared/kafka-progress';
import { ITEM_LOGS, type ItemLogKind } from './item-log';
import { fetchStageStats, type StageStats } from './stage-stats';

interface StageSpec {
  /** Process name, consumer group, metric prefix and (with _ for -) Postgres schema. */
  service: string;
  /** The catalog service whose configuration (pool, slice and fetch sizes...) the stage loads. */
  standsFor: string;
  input: string;
  output: string;
  itemLog: ItemLogKind;
}

const STAGE_A: StageSpec = {
  service: 'floor-a',
  standsFor: 'identity-resolver',
  input: Topics.EventsValid,
  output: Topics.EventsResolved,
  itemLog: 'source-items',
};
const STAGE_B: StageSpec = {
  service: 'floor-b',
  standsFor: 'profile-merger',
  input: Topics.EventsResolved,
  output: Topics.ProfilesChanged,
  itemLog: 'profile-items',
};

async function caughtUp(admin: Admin, events: number): Promise<boolean> {
  if ((await committed(admin, STAGE_A.service, STAGE_A.input)) < events) return false;
  const middle = await endOffset(admin, STAGE_A.output);
  return middle >= events && (await committed(admin, STAGE_B.service, STAGE_B.input)) >= middle;
}

const schemaOf = (spec: StageSpec): string => spec.service.replace(/-/g, '_');

/** Rows in `table` of each stage's schema, in stage order. */
async function rowCounts(databaseUrl: string, table: (spec: StageSpec) => string): Promise<number[]> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const counts = [STAGE_A, STAGE_B].map((s) => `(SELECT count(*) FROM ${schemaOf(s)}.${table(s)})`);
    const { rows } = await db.query<{ n: string[] }>(`SELECT ARRAY[${counts.join(', ')}]::text[] AS n`);
    return rows[0].n.map(Number);
  } finally {
    await db.end();
  }
}

export interface FloorResult {
  events: number;
  variant: 'plain' | 'item log';
  seconds: number;
  /** CPU seconds over the whole run, per process. */
  cpu: { a: number; b: number; postgres: number; broker: number };
  stats: { A: StageStats; B: StageStats };
  /** Empty when each output holds every event exactly once (and each item log as many rows). */
  problems: string[];
}

/** Runs both stages on `rig` over customer-360's workload of `people` (EVENTS_PER_PERSON events each). */
export async function measureTransportFloor(
  rig: BenchRig,
  people: number,
  itemLog: boolean,
  log: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<FloorResult> {
  const events = people * EVENTS_PER_PERSON;
  const variant = itemLog ? 'item log' : 'plain';
  const { admin } = rig;
  const stage = async (spec: StageSpec) => {
    const port = await freePort();
    const child = rig.spawn(spec.service, 'bench/transport-floor/stage.ts', {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      DATABASE_URL: rig.databaseUrl,
      DATABASE_SCHEMA: schemaOf(spec),
      KAFKA_BROKERS: rig.brokers.join(','),
      KAFKA_CLIENT_ID: spec.service,
      TESSERA_ADMIN_TOKEN: 'bench-admin-token-0123456789abcdef',
      SERVICE: spec.service,
      STANDS_FOR: spec.standsFor,
      IN_TOPIC: spec.input,
      OUT_TOPIC: spec.output,
      ITEM_LOG: itemLog ? spec.itemLog : '',
    });
    await child.waitForHttp(`http://127.0.0.1:${port}/readyz`);
    return { child, stats: () => fetchStageStats(port, spec.service) };
  };
  const [a, b] = await Promise.all([stage(STAGE_A), stage(STAGE_B)]);

  log(`encoding ${fmt(events)} events (customer-360's workload, ${fmt(people)} people), variant ${variant}...`);
  const workload = encodedWorkload(people);
  const producer = rig.kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const meter = new CpuMeter({
    a: () => a.child.cpuSeconds(),
    b: () => b.child.cpuSeconds(),
    broker: () => rig.broker.cpuSeconds(),
    postgres: () => postgresCpuSeconds(rig.pgDataDir),
  });
  const started = Date.now();
  await produceRange(producer, STAGE_A.input, workload);
  const producedSeconds = (Date.now() - started) / 1000;
  await producer.disconnect();
  log(`produced after ${producedSeconds.toFixed(1)} s; waiting for stage B to catch up...`);
  await rig.waitFor(() => caughtUp(admin, events), Math.max(300_000, events * 5), 'not caught up');
  const seconds = (Date.now() - started) / 1000;
  const cpu = meter.used();
  const stats = { A: await a.stats(), B: await b.stats() };

  // Stage B's relay publishes its last slices just after the clock stops. Once both outboxes are empty nothing
  // more can be published, and each output must hold every event exactly once (a lost event or a relay
  // republish would show here).
  await rig.waitFor(
    async () => (await rowCounts(rig.databaseUrl, () => 'kafka_outbox_batches')).every((n) => n === 0),
    60_000,
    'outboxes not drained',
  );
  const problems: string[] = [];
  for (const topic of [STAGE_A.output, STAGE_B.output]) {
    const held = await endOffset(admin, topic);
    if (held !== events) problems.push(`${topic} holds ${fmt(held)} records, expected ${fmt(events)}`);
  }
  if (itemLog) {
    const logged = await rowCounts(rig.databaseUrl, (s) => ITEM_LOGS[s.itemLog].table);
    if (logged.some((n) => n !== events))
      problems.push(`item logs hold ${logged.map((n) => fmt(n)).join(' and ')} rows, expected ${fmt(events)} each`);
  }
  return { events, variant, seconds, cpu, stats, problems };
}
