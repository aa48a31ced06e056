/**
 * Activation dispatcher benchmark (issue 14). The durable embedded broker, one embedded Postgres and all six
 * pipeline services (main.ts, NODE_ENV=production, the dispatcher with libs/destinations' real catalog) run as
 * separate processes, and so does the webhook receiver (receiver-process.ts), which stamps each request on arrival.
 *
 * 1. Deliveries per second: --deliveries membership changes (half the profiles enter, then exit) are produced to
 *    cdp.segments.membership; the clock runs from the first produced change until the receiver holds every
 *    delivery (batch size 100, concurrency 4, counted by deliveryId).
 * 2. End-to-end latency: --profiles people are identified once (not in the segment), then --rate changes/s for
 *    --seconds go to the gateway (`/v1/batch`, a request every 10 ms), each flipping the person in or out of the
 *    `flip` segment; latency = the webhook receiving the enter or exit minus the gateway request's send time, split
 *    per stage by the Kafka timestamps each service gave its output (see stage-clock.ts), and the dispatcher's part
 *    into its consumer (membership message to delivery row) and its worker (row to the webhook). A person changes every
 *    profiles/rate seconds (10 s by default), so a lagging stage does not fold an enter and its exit into one slice.
 *
 * Usage: node tools/run-ts.js bench/activation-dispatcher/run.ts [--deliveries 20000] [--profiles 5000] [--rate 500] [--seconds 20]
 *        [--pg-stats] (the statements with the most execution time in each phase; at the rate, the row-lock waits too)
 *        [--cpu-prof <dir>] (V8 CPU profiles)
 */
import { encode, Topics } from '@tessera/contracts';
import type { Message } from 'kafkajs';
import { parseArgs } from 'node:util';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Client } from 'pg';
import { postgresCpuSeconds } from '../shared/postgres-cpu';
import { fmt, microsPerEvent, resultBlock } from '../shared/bench-report';
import { PG_STATS_SETTINGS, resetPgStats, topStatements } from '../shared/pg-stats';
import { PostgresCpuByClient } from '../shared/postgres-cpu-by-client';
import { sampleLockWaits } from '../shared/lock-wait-sampler';
import { BenchRig } from '../shared/bench-rig';
import { CpuMeter } from '../shared/cpu-meter';
import { committed, endOffset, produceRange } from '../shared/kafka-progress';
import { runMain } from '../shared/run-main';
import { sendAtRate, SERVICES, startPipeline, webhookSync, WRITE_KEY_AUTH, type Pipeline, type Service } from '../shared/pipeline-stack';
import { hopBreakdown, percentiles, StageClock, STAGE_TOPICS } from '../shared/stage-clock';
import { ForkedReceiver } from './forked-receiver';
import { TableWrites } from './table-writes';

/** With no new receipt for this long, the latency phase's changes still missing are counted as never delivered. */
const QUIET_MS = 15_000;

async function measureDeliveries(
  p: Pipeline<ForkedReceiver>,
  receiver: ForkedReceiver,
  deliveries: number,
  pgStats: boolean,
): Promise<string[]> {
  await webhookSync(p, 'throughput', 'tp');
  const profiles = Math.ceil(deliveries / 2);
  const now = Date.now();
  const messages: Message[] = [];
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < profiles && messages.length < deliveries; i++) {
      const profileId = `tp-${i}`;
      messages.push({
        key: profileId,
        value: encode(Topics.SegmentsMembership, {
          segmentId: 'tp',
          profileId,
          change: round === 0 ? 'entered' : 'exited',
          version: round + 1,
          segmentVersion: 1,
          identifiers: [{ type: 'email', value: `${profileId}@example.com` }],
          values: '{}',
          at: now + round,
        }),
      });
    }
  }
  const producer = p.rig.kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const dispatcher = p.process['activation-dispatcher']!;
  const meter = new CpuMeter({
    dispatcher: () => dispatcher.cpuSeconds(),
    broker: () => p.rig.broker.cpuSeconds(),
    postgres: () => postgresCpuSeconds(p.rig.pgDataDir),
  });
  if (pgStats) await resetPgStats(p.rig.databaseUrl);
  const writes = await TableWrites.start(p.rig.databaseUrl);
  const started = Date.now();
  const base = await committed(p.rig.admin, 'activation-dispatcher', Topics.SegmentsMembership);
  await produceRange(producer, Topics.SegmentsMembership, messages);
  await producer.disconnect();
  let enqueuedAfter = 0;
  await p.rig.waitFor(
    async () => {
      if (!enqueuedAfter && (await committed(p.rig.admin, 'activation-dispatcher', Topics.SegmentsMembership)) - base >= deliveries)
        enqueuedAfter = (Date.now() - started) / 1000;
      return receiver.deliveryIds('/throughput').size >= deliveries;
    },
    600_000,
    'not every delivery received',
  );
  const seconds = (Date.now() - started) / 1000;
  const cpu = meter.used();
  const requests = receiver.requests('/throughput').length;
  const writeReport = await writes.report(deliveries, 'delivery');
  return [
    ...(pgStats ? [await topStatements(p.rig.databaseUrl, 25)] : []),
    writeReport,
    ...resultBlock(
      [
        'deliveries',
        'seconds',
        'deliveries/s',
        'consumed and enqueued after',
        'requests (batch 100)',
        'dispatcher CPU µs/delivery',
        'Postgres CPU µs/delivery',
        'broker CPU µs/delivery',
      ],
      [
        fmt(deliveries),
        seconds.toFixed(1),
        fmt(deliveries / seconds),
        `${enqueuedAfter.toFixed(1)} s`,
        fmt(requests),
        microsPerEvent(cpu.dispatcher, deliveries),
        cpu.postgres > 0 ? microsPerEvent(cpu.postgres, deliveries) : '-',
        microsPerEvent(cpu.broker, deliveries),
      ],
    ),
  ];
}

/**
 * When each change reached the webhook. Person u-i's n-th change is seq i + n * people; it enters on even n and
 * exits on odd n, so its k-th add is n = 2k and its k-th remove n = 2k + 1. (An item's fields are the latest state
 * the dispatcher saw, which under lag can be a later change's: the person and the action are what identify it.)
 */
function receiptsBySeq(receiver: ForkedReceiver, people: number): Map<number, { at: number; deliveryId: string }> {
  const seen = new Set<string>();
  const counts = new Map<string, number>();
  const out = new Map<number, { at: number; deliveryId: string }>();
  for (const r of receiver.requests('/latency')) {
    for (const item of r.items) {
      if (seen.has(item.deliveryId)) continue;
      seen.add(item.deliveryId);
      const key = `${item.fields.user} ${item.action}`;
      const k = counts.get(key) ?? 0;
      counts.set(key, k + 1);
      out.set(Number(String(item.fields.user).slice(2)) + (2 * k + (item.action === 'remove' ? 1 : 0)) * people, {
        at: r.at,
        deliveryId: item.deliveryId,
      });
    }
  }
  return out;
}

/**
 * When the dispatcher's consumer wrote each delivery row (its transaction's start, Postgres's clock on this machine)
 * and when the worker began the claim of its first attempt (the worker's clock, taken before the claim's transaction).
 */
async function rowTimes(databaseUrl: string, deliveryIds: string[]): Promise<Map<string, { queued: number; claimed: number }>> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ delivery_id: string; ms: string; claimed_ms: string }>(
      `SELECT d.delivery_id, (extract(epoch FROM d.created_at) * 1000)::bigint AS ms,
              (SELECT (extract(epoch FROM min(a.started_at)) * 1000)::bigint FROM bench_activation_dispatcher.delivery_attempts a
                WHERE a.delivery_id = d.delivery_id) AS claimed_ms
         FROM bench_activation_dispatcher.deliveries d WHERE d.delivery_id = ANY($1::text[])`,
      [deliveryIds],
    );
    return new Map(rows.map((r) => [r.delivery_id, { queued: Number(r.ms), claimed: Number(r.claimed_ms) }]));
  } finally {
    await db.end();
  }
}

async function caughtUp(p: Pipeline<ForkedReceiver>, group: string, topic: string): Promise<boolean> {
  return (await committed(p.rig.admin, group, topic)) >= (await endOffset(p.rig.admin, topic));
}

async function measureLatency(
  p: Pipeline<ForkedReceiver>,
  receiver: ForkedReceiver,
  people: number,
  rate: number,
  seconds: number,
  pgStats: boolean,
): Promise<string[]> {
  await p.call('segment-evaluator', 'POST', '/v1/segments', {
    id: 'flip',
    name: 'flip',
    rule: { trait: 'traits.flip', op: 'eq', value: true },
  });
  await webhookSync(p, 'latency', 'flip', { user: 'identifier.user_id' });
  const basic = WRITE_KEY_AUTH;
  const identify = (i: number, flip: boolean, seq: number, messageId: string) => ({
    type: 'identify',
    userId: `u-${i}`,
    messageId,
    traits: { flip, seq },
    timestamp: new Date().toISOString(),
  });
  for (let i = 0; i < people; i += 100) {
    await p.call(
      'ingest-gateway',
      'POST',
      '/v1/batch',
      { batch: Array.from({ length: Math.min(100, people - i) }, (_, k) => identify(i + k, false, -1, `warm-${i + k}`)) },
      basic,
    );
  }
  await p.rig.waitFor(
    async () =>
      (await endOffset(p.rig.admin, Topics.ProfilesChanged)) >= people &&
      (await caughtUp(p, 'segment-evaluator', Topics.ProfilesChanged)) &&
      (await caughtUp(p, 'activation-dispatcher', Topics.ProfilesChanged)),
    600_000,
    'warm-up profiles not through the pipeline',
  );

  const clock = new StageClock();
  await clock.start(p.rig.kafka);
  if (pgStats) await resetPgStats(p.rig.databaseUrl);
  // pg_stat_statements' time of the profile lock mixes its row-lock waits with its work; this separates them
  const lockWaits = pgStats ? await sampleLockWaits(p.rig.databaseUrl) : undefined;
  const meter = new CpuMeter({
    ...(Object.fromEntries(SERVICES.map((s) => [s, () => p.process[s]!.cpuSeconds()])) as Record<Service, () => number>),
    broker: () => p.rig.broker.cpuSeconds(),
    postgres: () => postgresCpuSeconds(p.rig.pgDataDir),
  });
  const pgByClient = new PostgresCpuByClient(p.rig.pgDataDir, Object.fromEntries(SERVICES.map((s) => [s, p.process[s]!.pid])));
  const pgBefore = pgByClient.snapshot();
  const writes = await TableWrites.start(p.rig.databaseUrl);
  const failures: string[] = [];
  const total = rate * seconds;
  const sent = await sendAtRate(p, rate, total, (k) => identify(k % people, Math.floor(k / people) % 2 === 0, k, `lat-${k}`), failures);
  const sentAt = new Map(sent.sentAt.map((at, seq) => [seq, at]));
  const sendSeconds = sent.seconds;
  const cpu = meter.used(); // while the changes were coming in at the rate
  const pgCpu = PostgresCpuByClient.between(pgBefore, pgByClient.snapshot(), SERVICES);
  const received = new Map<number, { at: number; deliveryId: string }>();
  let lastGrowth = Date.now();
  await p.rig.waitFor(
    async () => {
      const before = received.size;
      received.clear();
      for (const [seq, receipt] of receiptsBySeq(receiver, people)) received.set(seq, receipt);
      if (received.size > before) lastGrowth = Date.now();
      // a profile's enter and exit decided in one evaluator slice cancel out (it decides on the latest version): such a
      // change never reaches the webhook, so the wait ends when nothing more arrives for QUIET_MS
      return received.size >= total || failures.length > 0 || Date.now() - lastGrowth > QUIET_MS;
    },
    300_000,
    'the changes reaching the webhook',
  );
  // the same totals up to the last receipt: under load the stages lag the sender, and their work on these changes
  // goes on after the sending window
  const drained = meter.used();
  const pgDrained = PostgresCpuByClient.between(pgBefore, pgByClient.snapshot(), SERVICES);
  const writeReport = await writes.report(received.size, 'change delivered');
  await clock.stop();
  const lockWaitReport = lockWaits ? await lockWaits.stop() : undefined;
  if (failures.length > 0) throw new Error(`the gateway refused requests: ${failures[0]}`);

  const endToEnd = percentiles([...received].map(([seq, { at }]) => at - sentAt.get(seq)!));
  const enqueuedAt = await rowTimes(
    p.rig.databaseUrl,
    [...received.values()].map((r) => r.deliveryId),
  );
  const stages: Array<[string, number[]]> = STAGE_TOPICS.map(() => [] as number[]).map((list, i) => [STAGE_TOPICS[i].stage, list]);
  const consumerStage: number[] = [];
  const workerStage: number[] = [];
  const queuedStage: number[] = [];
  const sendStage: number[] = [];
  for (const [seq, { at, deliveryId }] of received) {
    const times = clock.at.get(seq);
    if (!times || STAGE_TOPICS.some((s) => times[s.topic] === undefined)) continue;
    let previous = sentAt.get(seq)!;
    STAGE_TOPICS.forEach((s, i) => {
      stages[i][1].push(times[s.topic]! - previous);
      previous = times[s.topic]!;
    });
    const row = enqueuedAt.get(deliveryId);
    if (row === undefined) continue;
    consumerStage.push(row.queued - previous);
    workerStage.push(at - row.queued);
    queuedStage.push(row.claimed - row.queued);
    sendStage.push(at - row.claimed);
  }
  stages.push(
    ['activation-dispatcher', consumerStage],
    ['(its delivery worker)', workerStage],
    ['(row to its claim)', queuedStage],
    ['(claim to the webhook)', sendStage],
  );
  const rows = stages.map(([stage, sample]) => {
    const q = percentiles(sample);
    const cpuShare = stage in cpu ? `${fmt((cpu[stage as Service] / sendSeconds) * 100)} %` : '';
    return `| ${stage} | ${fmt(q.p50)} | ${fmt(q.p99)} | ${fmt(q.max)} | ${cpuShare} |`;
  });
  const hops = hopBreakdown(
    clock,
    STAGE_TOPICS.map((s) => s.topic),
  );
  return [
    ...(pgStats ? [await topStatements(p.rig.databaseUrl, 25)] : []),
    ...(lockWaitReport ? [lockWaitReport] : []),
    writeReport,
    ...resultBlock(
      ['changes sent', 'rate (sent)', 'reached the webhook', 'p50 ms', 'p99 ms', 'max ms', 'Postgres CPU', 'broker CPU'],
      [
        fmt(total),
        `${fmt(total / sendSeconds)}/s`,
        fmt(received.size),
        fmt(endToEnd.p50),
        fmt(endToEnd.p99),
        fmt(endToEnd.max),
        `${fmt((cpu.postgres / sendSeconds) * 100)} %`,
        `${fmt((cpu.broker / sendSeconds) * 100)} %`,
      ],
    ),
    `per stage (time from the previous stage's output to this one's; ${fmt(stages[0][1].length)} changes seen on every topic), and each process's CPU while the changes came in (${sendSeconds.toFixed(0)} s):`,
    '',
    '| stage | p50 ms | p99 ms | max ms | CPU (one core = 100 %) |',
    '|---|---:|---:|---:|---:|',
    ...rows,
    '',
    `CPU of every process while the changes came in: ${fmt((Object.values(cpu).reduce((a, b) => a + b, 0) / total) * 1e6)} µs per change, ${fmt(
      (Object.values(cpu).reduce((a, b) => a + b, 0) / sendSeconds) * 100,
    )} % of one core (two cores = 200 %)`,
    `Postgres CPU per change by the service its backend serves: ${perChange(pgCpu, total)}`,
    `until the last receipt: every process ${fmt((Object.values(drained).reduce((a, b) => a + b, 0) / total) * 1e6)} µs per change (${perChange(
      drained,
      total,
    )}); Postgres by service ${perChange(pgDrained, total)}`,
    ...(hops.length > 0
      ? [
          '',
          "per hop, from the services' tessera-trace headers (ms):",
          '',
          '| hop | changes | p50 | p95 | p99 | max |',
          '|---|---:|---:|---:|---:|---:|',
          ...hops,
          '',
        ]
      : []),
    `end to end p99 at ${fmt(rate)} changes/s (target <= 1,000 ms): ${endToEnd.p99 <= 1_000 ? 'MET' : 'NOT MET'}`,
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      deliveries: { type: 'string', default: '20000' },
      profiles: { type: 'string', default: '5000' },
      rate: { type: 'string', default: '500' },
      seconds: { type: 'string', default: '20' },
      'pg-stats': { type: 'boolean', default: false },
      'cpu-prof': { type: 'string' },
    },
  });
  const receiver = await ForkedReceiver.start();
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  try {
    const pgStats = values['pg-stats'];
    const rigOptions = {
      workPrefix: 'tessera-bench-activation-',
      clientId: 'bench-activation',
      pgSettings: pgStats ? PG_STATS_SETTINGS : [],
      cpuProfDir: values['cpu-prof'],
    };
    await BenchRig.run(rigOptions, async (rig) => {
      process.stdout.write('starting the broker, Postgres and six services...\n');
      const pipeline = await startPipeline(rig, receiver);
      process.stdout.write(`1. ${fmt(Number(values.deliveries))} deliveries to a local webhook (batch size 100)...\n`);
      loopDelay.reset();
      const throughput = await measureDeliveries(pipeline, receiver, Number(values.deliveries), pgStats);
      throughput.push(loopDelayLine(loopDelay));
      process.stdout.write(
        `${throughput.join('\n')}\n2. ${fmt(Number(values.rate))} changes/s for ${values.seconds} s at the gateway, to the webhook...\n`,
      );
      loopDelay.reset();
      const latency = await measureLatency(
        pipeline,
        receiver,
        Number(values.profiles),
        Number(values.rate),
        Number(values.seconds),
        pgStats,
      );
      latency.push(loopDelayLine(loopDelay));
      process.stdout.write(`${latency.join('\n')}\n\n`);
    });
  } finally {
    await receiver.close();
  }
}

function perChange(used: Record<string, number>, changes: number): string {
  return Object.entries(used)
    .map(([name, seconds]) => `${name} ${fmt((seconds / changes) * 1e6)} µs`)
    .join(', ');
}

/** How late this process's event loop ran: the gateway sender and the stage clock's consumers share it. */
function loopDelayLine(h: IntervalHistogram): string {
  const ms = (ns: number) => fmt(ns / 1e6);
  return `bench process event-loop delay: p50 ${ms(h.percentile(50))} / p99 ${ms(h.percentile(99))} / max ${ms(h.max)} ms`;
}

runMain(main);
