/**
 * Segment evaluator benchmark (issue 13): profile changes per second through the evaluator with 100 segments
 * defined (40 trait, 30 event-window, 30 relative-date rules), and the CPU per change. The durable embedded broker,
 * one embedded Postgres and the real evaluator (main.ts, NODE_ENV=production) run as separate processes. The
 * changes are produced to cdp.profiles.changed once the evaluator is ready (its event history is seeded first, so
 * window rules have something to count); the clock runs from the first change until the evaluator's committed
 * offsets reach the end of the topic.
 *
 * Then the latency phase: --rate changes/s (default 1,000) for --latency-seconds (15), each flipping one segment.
 * Then, in the same run, the transport floor (bench/transport-floor/floor.ts, --floor-people 5000 = 50,000 events)
 * on a rig of its own (its stages use the evaluator's input topics), printed beside the evaluator's CPU per change.
 * --pg-stats prints the statements with the most execution time during the throughput phase.
 *
 * --workload steady (a second workload, see measureEvaluator) applies every first sight before the clock starts.
 * The segments, profile values and history are in workload.ts, the floor run and its table in floor-comparison.ts.
 *
 * Usage: node tools/run-ts.js bench/segment-evaluator/run.ts [--profiles 10000] [--versions 5] [--workload first-sight|steady]
 *          [--rate 1000] [--latency-seconds 15] [--floor-people 5000] [--pg-stats] [--cpu-prof <dir>] [--entry <main.ts>]
 *
 * --entry runs another copy of the service (default services/segment-evaluator/src/main.ts), e.g. a base commit's
 * (`git archive <commit> services/segment-evaluator | tar -x -C tmp/base`, then --entry
 * tmp/base/services/segment-evaluator/src/main.ts), so before and after run back to back from one checkout.
 */
import { decode, Topics } from '@tessera/contracts';
import { freePort } from '@tessera/testing';
import type { Message } from 'kafkajs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { postgresCpuSeconds } from '../shared/postgres-cpu';
import { BenchRig } from '../shared/bench-rig';
import { floorComparison, runTransportFloor, type FloorRun } from './floor-comparison';
import { history, profileChange, segments, valuesOf, workload } from './workload';
import { fmt, microsPerEvent, resultBlock } from '../shared/bench-report';
import { CpuMeter } from '../shared/cpu-meter';
import { committed, endOffset, produceRange } from '../shared/kafka-progress';
import { PG_STATS_SETTINGS, resetPgStats, topStatements } from '../shared/pg-stats';
import { runMain } from '../shared/run-main';

const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
const SCHEMA = 'bench_segments';
const load1 = (): string => loadavg()[0].toFixed(1);

interface Throughput {
  workload: string;
  changes: number;
  seconds: number;
  load: string;
  cpu: { evaluator: number; broker: number; postgres: number };
  messages: number;
  members: number;
  dueTimes: number;
  latency: { count: number; p50: number; p99: number; max: number; load: string };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      profiles: { type: 'string', default: '10000' },
      workload: { type: 'string', default: 'first-sight' },
      versions: { type: 'string', default: '5' },
      rate: { type: 'string', default: '1000' },
      'latency-seconds': { type: 'string', default: '15' },
      'floor-people': { type: 'string', default: '5000' },
      'pg-stats': { type: 'boolean' },
      'cpu-prof': { type: 'string' },
      entry: { type: 'string', default: 'services/segment-evaluator/src/main.ts' },
    },
  });
  const profiles = Number(values.profiles);
  const versions = Number(values.versions);
  const pgStats = values['pg-stats'] ?? false;
  if (values.workload !== 'first-sight' && values.workload !== 'steady') throw new Error('--workload is first-sight or steady');
  const steady = values.workload === 'steady';
  let evaluator: Throughput | undefined;
  await BenchRig.run(
    {
      workPrefix: 'tessera-bench-segments-',
      clientId: 'bench-segments',
      cpuProfDir: values['cpu-prof'],
      pgSettings: pgStats ? PG_STATS_SETTINGS : [],
    },
    async (rig) => {
      evaluator = await measureEvaluator(
        rig,
        values.entry,
        profiles,
        versions,
        steady,
        Number(values.rate),
        Number(values['latency-seconds']),
        pgStats,
      );
    },
  );
  const floor = await runTransportFloor(Number(values['floor-people']));
  if (!evaluator || !floor) return;
  process.stdout.write(report(evaluator, floor, Number(values.rate), Number(values['latency-seconds'])));
  if (floor.floor.problems.length > 0) process.exitCode = 1;
}

/**
 * `steady`: the second workload. Every profile's first sight (version 1, deciding all 100 segments) is applied
 * before the clock starts; the clock then runs over versions 2..versions+1, changes to known profiles only, as a
 * running installation mostly sees. The first-sight workload (the default, issue 13's figure) keeps them in.
 */
async function measureEvaluator(
  rig: BenchRig,
  entry: string,
  profiles: number,
  versions: number,
  steady: boolean,
  rate: number,
  latencySeconds: number,
  pgStats: boolean,
): Promise<Throughput> {
  const port = await freePort();
  const evaluator = rig.spawn('segment-evaluator', entry, {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    DATABASE_URL: rig.databaseUrl,
    DATABASE_SCHEMA: SCHEMA,
    KAFKA_BROKERS: rig.brokers.join(','),
    TESSERA_ADMIN_TOKEN: ADMIN_TOKEN,
  });
  await evaluator.waitForHttp(`http://127.0.0.1:${port}/readyz`);
  for (const segment of segments()) {
    const res = await fetch(`http://127.0.0.1:${port}/v1/segments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(segment),
    });
    if (res.status !== 201) throw new Error(`segment ${segment.id}: ${res.status} ${await res.text()}`);
  }
  const now = Date.now();
  const producer = rig.kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const seeded = history(profiles, now);
  await produceRange(producer, Topics.EventsResolved, seeded);
  await rig.waitFor(
    async () => (await committed(rig.admin, 'segment-evaluator', Topics.EventsResolved)) >= seeded.length,
    600_000,
    'history not applied',
  );
  const db = new Client({ connectionString: rig.databaseUrl });
  await db.connect();
  const count = async (sql: string) => Number((await db.query<{ n: string }>(sql)).rows[0].n);
  // the 100 segments' backfills page over the profiles the history created: let them finish before the clock starts
  await rig.waitFor(
    async () => (await count(`SELECT count(*) AS n FROM ${SCHEMA}.segment_backfills WHERE state IN ('pending', 'running')`)) === 0,
    600_000,
    'backfills not done',
  );
  const first = steady ? 2 : 1;
  const last = versions + first - 1;
  if (steady) {
    const warm = workload(profiles, 1, 1, now);
    process.stdout.write(`steady workload: applying ${fmt(warm.length)} first sights before the clock...\n`);
    await produceRange(producer, Topics.ProfilesChanged, warm);
    await rig.waitFor(
      async () => (await committed(rig.admin, 'segment-evaluator', Topics.ProfilesChanged)) >= warm.length,
      600_000,
      'first sights not applied',
    );
    await rig.waitFor(
      async () => (await count(`SELECT count(*) AS n FROM ${SCHEMA}.kafka_outbox_batches`)) === 0,
      600_000,
      'outbox not drained',
    );
  }
  const offsetBefore = steady ? profiles : 0;
  const messagesBefore = await endOffset(rig.admin, Topics.SegmentsMembership);
  if (pgStats) await resetPgStats(rig.databaseUrl);

  const changes = workload(profiles, first, last, now);
  process.stdout.write(
    `producing ${fmt(changes.length)} profile changes (${fmt(profiles)} profiles x versions ${first}..${last}), 100 segments...\n`,
  );
  const meter = new CpuMeter({
    evaluator: () => evaluator.cpuSeconds(),
    broker: () => rig.broker.cpuSeconds(),
    postgres: () => postgresCpuSeconds(rig.pgDataDir),
  });
  const loadBefore = load1();
  const started = Date.now();
  await produceRange(producer, Topics.ProfilesChanged, changes);
  await producer.disconnect();
  await rig.waitFor(
    async () => (await committed(rig.admin, 'segment-evaluator', Topics.ProfilesChanged)) >= offsetBefore + changes.length,
    600_000,
    'not caught up',
  );
  const seconds = (Date.now() - started) / 1000;
  const cpu = meter.used();
  const load = `${loadBefore} → ${load1()}`;
  if (pgStats) process.stdout.write(await topStatements(rig.databaseUrl));
  // the relay publishes the outbox after the consumer caught up: let it drain before counting and before the latency phase
  await rig.waitFor(
    async () => (await count(`SELECT count(*) AS n FROM ${SCHEMA}.kafka_outbox_batches`)) === 0,
    600_000,
    'outbox not drained',
  );
  const members = await count(`SELECT count(*) AS n FROM ${SCHEMA}.memberships`);
  // one due time per profile since EvaluatorCaches1733600000100; one row per (profile, segment) before it
  const perProfile = await count(
    `SELECT count(*) AS n FROM information_schema.columns WHERE table_schema = '${SCHEMA}' AND table_name = 'profiles' AND column_name = 'due_at_ms'`,
  );
  const dueTimes = await count(
    perProfile > 0
      ? `SELECT count(*) AS n FROM ${SCHEMA}.profiles WHERE due_at_ms IS NOT NULL`
      : `SELECT count(*) AS n FROM ${SCHEMA}.due_timers`,
  );
  await db.end();
  const messages = (await endOffset(rig.admin, Topics.SegmentsMembership)) - messagesBefore;
  const latencyLoad = load1();
  const latency = await measureLatency(rig, profiles, last, now, rate, latencySeconds);
  return {
    workload: steady
      ? `steady (first sights applied before the clock; versions ${first}..${last})`
      : `first sight (versions ${first}..${last})`,
    changes: changes.length,
    seconds,
    load,
    cpu,
    messages,
    members,
    dueTimes,
    latency: { ...latency, load: `${latencyLoad} → ${load1()}` },
  };
}

/** The evaluator's figures, then its CPU per change beside the transport floor's per stage, both from this run. */
function report(t: Throughput, floor: FloorRun, rate: number, latencySeconds: number): string {
  const per = (s: number) => microsPerEvent(s, t.changes);
  return [
    `workload: ${t.workload}`,
    ...resultBlock(
      [
        'changes',
        'seconds',
        'changes/s',
        'load average (1 min)',
        'evaluator CPU µs/change',
        'Postgres CPU µs/change',
        'broker CPU µs/change',
        'membership messages',
        'members at the end',
        'due times',
      ],
      [
        fmt(t.changes),
        t.seconds.toFixed(1),
        fmt(t.changes / t.seconds),
        t.load,
        per(t.cpu.evaluator),
        t.cpu.postgres > 0 ? per(t.cpu.postgres) : '-',
        per(t.cpu.broker),
        fmt(t.messages),
        fmt(t.members),
        fmt(t.dueTimes),
      ],
    ),
    `changes/s (target >= 5,000): ${t.changes / t.seconds >= 5_000 ? 'MET' : 'NOT MET'}`,
    `latency from a change to its membership message at ${fmt(rate)} changes/s for ${latencySeconds} s (load average ${t.latency.load}): ${fmt(t.latency.count)} measured, p50 ${fmt(t.latency.p50)} ms, p99 ${fmt(t.latency.p99)} ms, max ${fmt(t.latency.max)} ms (target p99 <= 200 ms: ${t.latency.p99 <= 200 ? 'MET' : 'NOT MET'})`,
    '',
    ...floorComparison(t, floor),
    '',
  ].join('\n');
}

/**
 * Changes at `rate`/s (a batch every 10 ms) to profiles the throughput phase made (its last version: `versions`),
 * each flipping the `flip` segment (the first one sets it),
 * so each change has exactly one membership message; latency = its arrival at a consumer here minus its send time.
 */
async function measureLatency(
  rig: BenchRig,
  profiles: number,
  versions: number,
  now: number,
  rate: number,
  seconds: number,
): Promise<{ count: number; p50: number; p99: number; max: number }> {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const consumer = rig.kafka.consumer({ groupId: `bench-latency-${Date.now()}`, maxWaitTimeInMs: 20 });
  await consumer.connect();
  await consumer.subscribe({ topic: Topics.SegmentsMembership, fromBeginning: false });
  let assigned = false;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    assigned = true;
  });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (!message.value) return;
      const change = decode(Topics.SegmentsMembership, message.value);
      const sent = change.segmentId === 'flip' ? sentAt.get(`${change.profileId}:${change.version}`) : undefined;
      if (sent !== undefined) latencies.push(Date.now() - sent);
    },
  });
  while (!assigned) await new Promise((r) => setTimeout(r, 50));
  const producer = rig.kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const perTick = Math.max(1, Math.round(rate / 100));
  const total = rate * seconds;
  const started = Date.now();
  for (let i = 0; i < total; i += perTick) {
    const due = started + (i / rate) * 1000;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    const messages: Message[] = [];
    for (let k = i; k < Math.min(i + perTick, total); k++) {
      const p = k % profiles;
      const v = versions + 1 + Math.floor(k / profiles);
      const values = { ...valuesOf(p, versions, now), 'traits.flip': (v - versions) % 2 === 1 };
      sentAt.set(`bp-${p}:${v}`, Date.now());
      messages.push(profileChange(p, v, values, ['traits.flip'], Date.now()));
    }
    void producer.send({ topic: Topics.ProfilesChanged, acks: -1, messages });
  }
  await rig.waitFor(async () => latencies.length >= total * 0.999, 120_000, 'latency messages not all received');
  await producer.disconnect();
  await consumer.disconnect();
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: sorted[Math.floor(sorted.length * 0.5)],
    p99: sorted[Math.floor(sorted.length * 0.99)],
    max: sorted[sorted.length - 1],
  };
}

runMain(main);
