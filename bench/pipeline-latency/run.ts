/**
 * End-to-end latency of the pipeline (issue 17). The durable embedded broker, one embedded Postgres and the
 * pipeline services (main.ts, NODE_ENV=production) run as separate processes, as in bench:activation.
 *
 * Segment `/v1/batch` calls go to the gateway at a fixed rate (a call every 10 ms), each event an identify of a new
 * user. A change's latency is measured from the call to the Kafka timestamp each stage gave its output (set by its
 * outbox relay right after the stage's transaction committed: on `cdp.profiles.changed` that is the profile-merger
 * commit that created the profile, made visible), and with the segment and webhook sync (the default) to the
 * evaluator's membership message and to the webhook receiving the add. The first --warmup seconds run at the same
 * rate and are not counted. With TESSERA_TRACE_HOPS=1 the services stamp a `tessera-trace` header on what they emit,
 * and each hop is split into its fetch wait, its wait behind earlier slices, its transaction and its relay.
 *
 * Usage: node tools/run-ts.js bench/pipeline-latency/run.ts [--rate 1000] [--seconds 30] [--warmup 5] [--profile-only]
 *        [--cpu-prof DIR] (V8 CPU profiles of the service processes) [--pg-stats] (Postgres's top statements, counted
 *        from the measured phase's start to the last user's end)
 */
import { Topics } from '@tessera/contracts';
import { parseArgs } from 'node:util';
import { ScriptedReceiver } from '../../services/activation-dispatcher/src/test-support/scripted-receiver';
import { postgresCpuSeconds } from '../shared/postgres-cpu';
import { fmt, resultBlock } from '../shared/bench-report';
import { BenchRig } from '../shared/bench-rig';
import { CpuMeter } from '../shared/cpu-meter';
import { PG_STATS_SETTINGS, resetPgStats, topStatements } from '../shared/pg-stats';
import { sendAtRate, SERVICES, startPipeline, webhookSync, type Pipeline, type Service } from '../shared/pipeline-stack';
import { runMain } from '../shared/run-main';
import { hopBreakdown, hopRow as row, percentiles, StageClock, STAGE_TOPICS } from '../shared/stage-clock';

const SEGMENT = 'new-users';
/** With no user reaching the end for this long (after every one was sent), the missing ones count as lost. */
const QUIET_MS = 90_000;

interface Options {
  rate: number;
  seconds: number;
  warmup: number;
  activation: boolean;
  pgStats: boolean;
}

const identify = (seq: number, messageId: string) => ({
  type: 'identify',
  userId: `n-${messageId}`,
  messageId,
  traits: { fresh: true, seq },
  timestamp: new Date().toISOString(),
});

/** When each user's add reached the webhook, by sequence number (the sync maps `user` to the user id `n-lat-<seq>`). */
function webhookReceipts(receiver: ScriptedReceiver): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of receiver.requests(`/${SEGMENT}`)) {
    for (const item of r.items) {
      const user = String(item.fields.user);
      if (item.action === 'add' && user.startsWith('n-lat-')) {
        const seq = Number(user.slice('n-lat-'.length));
        if (!out.has(seq)) out.set(seq, r.at);
      }
    }
  }
  return out;
}

async function measure(p: Pipeline, o: Options): Promise<string[]> {
  if (o.activation) {
    await p.call('segment-evaluator', 'POST', '/v1/segments', {
      id: SEGMENT,
      name: SEGMENT,
      rule: { trait: 'traits.fresh', op: 'eq', value: true },
    });
    await webhookSync(p, SEGMENT, SEGMENT, { user: 'identifier.user_id' });
  }
  const failures: string[] = [];
  const last = o.activation ? Topics.SegmentsMembership : Topics.ProfilesChanged;
  const warmTotal = Math.round(o.rate * o.warmup);
  if (warmTotal > 0) {
    process.stdout.write(`warm-up: ${fmt(o.rate)} new users/s for ${o.warmup} s (not counted)...\n`);
    await sendAtRate(p, o.rate, warmTotal, (k) => identify(-1, `warm-${k}`), []);
  }
  const clock = new StageClock(SEGMENT);
  await clock.start(p.rig.kafka);
  if (o.pgStats) await resetPgStats(p.rig.databaseUrl);
  const meter = new CpuMeter({
    ...(Object.fromEntries(p.services.map((s) => [s, () => p.process[s]!.cpuSeconds()])) as Record<Service, () => number>),
    broker: () => p.rig.broker.cpuSeconds(),
    postgres: () => postgresCpuSeconds(p.rig.pgDataDir),
  });
  const total = o.rate * o.seconds;
  process.stdout.write(`measuring: ${fmt(o.rate)} new users/s for ${o.seconds} s...\n`);
  const started = Date.now();
  // A refused call (a 408 or 503 on a starved machine) delivered nothing: counted and reported, not waited for.
  const { sentAt, seconds: sendSeconds } = await sendAtRate(p, o.rate, total, (k) => identify(k, `lat-${k}`), failures);
  const cpu = meter.used();
  const topics = STAGE_TOPICS.map((s) => s.topic).filter((t) => o.activation || t !== Topics.SegmentsMembership);
  let seen = 0;
  let lastGrowth = Date.now();
  await p.rig.waitFor(
    async () => {
      const reached = [...clock.at.values()].filter((t) => t[last] !== undefined).length;
      const done = o.activation ? webhookReceipts(p.receiver).size : reached;
      if (done > seen) [seen, lastGrowth] = [done, Date.now()];
      return done >= total - failures.length || Date.now() - lastGrowth > QUIET_MS;
    },
    600_000,
    'the users reaching the end of the pipeline',
  );
  // Until every user reached the end: what the run cost in all, whether it was done during the sending or after.
  const cpuToEnd = meter.used();
  await clock.stop();
  const statements = o.pgStats ? [await topStatements(p.rig.databaseUrl, 25)] : [];

  const receipts = o.activation ? webhookReceipts(p.receiver) : new Map<number, number>();
  const fromCall: Array<[string, number[]]> = topics.map((t) => [STAGE_TOPICS.find((s) => s.topic === t)!.stage, []]);
  const perStage: Array<[string, number[]]> = topics.map((t) => [STAGE_TOPICS.find((s) => s.topic === t)!.stage, []]);
  const webhook: number[] = [];
  const worker: number[] = [];
  let lastProfile = 0;
  for (const [seq, times] of clock.at) {
    if (sentAt[seq] === undefined) continue;
    let previous = sentAt[seq];
    topics.forEach((t, i) => {
      const at = times[t];
      if (at === undefined) return;
      fromCall[i][1].push(at - sentAt[seq]);
      perStage[i][1].push(at - previous);
      previous = at;
    });
    lastProfile = Math.max(lastProfile, times[Topics.ProfilesChanged] ?? 0);
    const receipt = receipts.get(seq);
    if (receipt !== undefined) {
      webhook.push(receipt - sentAt[seq]);
      const membership = times[Topics.SegmentsMembership];
      if (membership !== undefined) worker.push(receipt - membership);
    }
  }
  const profiles = fromCall[topics.indexOf(Topics.ProfilesChanged)][1];
  const throughput = profiles.length / ((lastProfile - started) / 1000);
  const cpuCells = [...p.services, 'postgres', 'broker'].map(
    (name) => `${name} ${fmt(((cpu as Record<string, number>)[name] / sendSeconds) * 100)} %`,
  );
  const perEvent = (name: string) => ((cpuToEnd as Record<string, number>)[name] / total) * 1e6;
  const cpuPerEvent = [...p.services, 'postgres', 'broker'].map((name) => `${name} ${fmt(perEvent(name))}`);
  const cpuTotal = [...p.services, 'postgres', 'broker'].reduce((sum, name) => sum + perEvent(name), 0);
  const profileP99 = percentiles(profiles).p99;
  const lines = [
    ...resultBlock(
      [
        'rate asked',
        'users sent',
        'sent at',
        'profiles created',
        'profiles/s (first call to last profile)',
        'to profile p50 ms',
        'p99 ms',
        'max ms',
        ...(o.activation ? ['to webhook p50 ms', 'p99 ms'] : []),
      ],
      [
        `${fmt(o.rate)}/s`,
        fmt(total),
        `${fmt(total / sendSeconds)}/s`,
        fmt(profiles.length),
        fmt(throughput),
        fmt(percentiles(profiles).p50),
        fmt(profileP99),
        fmt(percentiles(profiles).max),
        ...(o.activation ? [fmt(percentiles(webhook).p50), fmt(percentiles(webhook).p99)] : []),
      ],
    ),
    'from the gateway call to each point (ms):',
    '',
    '| to | changes | p50 | p95 | p99 | max |',
    '|---|---:|---:|---:|---:|---:|',
    ...fromCall.map(([stage, sample]) => row(`${stage} output`, sample)),
    ...(o.activation ? [row('webhook receipt', webhook)] : []),
    '',
    "per stage, from the previous stage's output (ms):",
    '',
    '| stage | changes | p50 | p95 | p99 | max |',
    '|---|---:|---:|---:|---:|---:|',
    ...perStage.map(([stage, sample]) => row(stage, sample)),
    ...(o.activation ? [row('activation-dispatcher (membership to webhook)', worker)] : []),
    ...hopBreakdown(clock, topics),
    '',
    ...(failures.length > 0 ? [`the gateway refused ${fmt(failures.length)} events (not counted): ${failures[0]}`, ''] : []),
    `CPU while the users came in (one core = 100 %): ${cpuCells.join(', ')}`,
    `CPU µs per user until the last reached the end: ${cpuPerEvent.join(', ')}; total ${fmt(cpuTotal)}`,
    `to profile p99 at ${fmt(o.rate)} users/s (target <= 250 ms at 1,000/s): ${profileP99 <= 250 ? 'MET' : 'NOT MET'}`,
    ...statements,
    '',
  ];
  return lines;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string', default: '1000' },
      seconds: { type: 'string', default: '30' },
      warmup: { type: 'string', default: '5' },
      'profile-only': { type: 'boolean', default: false },
      'cpu-prof': { type: 'string' },
      'pg-stats': { type: 'boolean', default: false },
    },
  });
  const options: Options = {
    rate: Number(values.rate),
    seconds: Number(values.seconds),
    warmup: Number(values.warmup),
    activation: !values['profile-only'],
    pgStats: values['pg-stats'],
  };
  const services = options.activation ? SERVICES : SERVICES.slice(0, 4);
  const receiver = await ScriptedReceiver.start();
  try {
    const rigOptions = {
      workPrefix: 'tessera-bench-latency-',
      clientId: 'bench-latency',
      cpuProfDir: values['cpu-prof'],
      pgSettings: options.pgStats ? PG_STATS_SETTINGS : [],
    };
    await BenchRig.run(rigOptions, async (rig) => {
      process.stdout.write(`starting the broker, Postgres and ${services.length} services...\n`);
      const pipeline = await startPipeline(rig, receiver, services);
      const lines = await measure(pipeline, options);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
  } finally {
    await receiver.close();
  }
}

runMain(main);
