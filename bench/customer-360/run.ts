/**
 * Identity resolver + profile merger benchmark (issue 5): events/s through both services together, with 20 % of
 * the events merging two profiles. The durable embedded broker, one embedded Postgres and the two real services
 * (main.ts, NODE_ENV=production) run as separate processes on this machine. The workload is produced to
 * cdp.events.valid once both services are ready; the clock runs from the first produced event until the merger's
 * committed offsets reach the end of cdp.events.resolved and cdp.identity.merges, after the resolver's reached the
 * end of cdp.events.valid. The stored profiles are then checked against the input.
 *
 * With `--kafka apache` the same rounds run on the durable embedded broker and then on one Apache Kafka node (from
 * Maven Central, libs/testing's launcher), and the figures are printed side by side.
 *
 * Usage: node tools/run-ts.js bench/customer-360/run.ts [--people 10000] [--rounds 1] [--kafka embedded|apache]
 *        [--cpu-prof <dir>] [--database-url <url>] [--pg-stats]
 */
import { Topics } from '@tessera/contracts';
import type { Admin } from 'kafkajs';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { fmt, microsPerEvent, resultBlock } from '../shared/bench-report';
import { parseKafkaKind, type BenchKafkaKind } from '../shared/bench-infra';
import { BenchRig } from '../shared/bench-rig';
import { runMain } from '../shared/run-main';
import { CpuMeter } from '../shared/cpu-meter';
import { sampleLockWaits } from '../shared/lock-wait-sampler';
import { PG_STATS_SETTINGS, resetPgStats, topStatements } from '../shared/pg-stats';
import { committed, endOffset, produceRange } from '../shared/kafka-progress';
import { freePort } from '@tessera/testing';
import { PostgresCpuByClient } from '../shared/postgres-cpu-by-client';
import { consumerSlices, formatSlices } from './consumer-slices';
import { ANONYMOUS_STEPS, encodedWorkload, EVENTS_PER_PERSON, MERGES_PER_PERSON } from './workload';

const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
const RESOLVER_SCHEMA = 'bench_identity_resolver';
const MERGER_SCHEMA = 'bench_profile_merger';

/** Whether both services are done; `onResolverDone` is called on each check that finds the resolver done. */
async function caughtUp(admin: Admin, events: number, onResolverDone: () => void): Promise<boolean> {
  if ((await committed(admin, 'identity-resolver', Topics.EventsValid)) < events) return false;
  onResolverDone();
  const resolvedEnd = await endOffset(admin, Topics.EventsResolved);
  if (resolvedEnd < events) return false;
  if ((await committed(admin, 'profile-merger', Topics.EventsResolved)) < resolvedEnd) return false;
  return (await committed(admin, 'profile-merger', Topics.IdentityMerges)) >= (await endOffset(admin, Topics.IdentityMerges));
}

async function verify(databaseUrl: string, people: number): Promise<string[]> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const one = async (sql: string) => Number((await db.query<{ n: string }>(sql)).rows[0].n);
    const items = await one(`SELECT count(*) AS n FROM ${MERGER_SCHEMA}.profile_items`);
    const merges = await one(`SELECT count(*) AS n FROM ${RESOLVER_SCHEMA}.merge_log WHERE kind = 'merge'`);
    const active = await one(`SELECT count(*) AS n FROM ${MERGER_SCHEMA}.profiles WHERE status = 'active'`);
    const wrongCounts = await one(
      `SELECT count(*) AS n FROM ${MERGER_SCHEMA}.profiles p WHERE p.status = 'active'
          AND (SELECT sum(c.event_count) FROM ${MERGER_SCHEMA}.profile_event_counts c WHERE c.profile_id = p.profile_id) <> ${EVENTS_PER_PERSON}`,
    );
    const problems: string[] = [];
    if (items !== people * EVENTS_PER_PERSON) problems.push(`merger logged ${items} items, expected ${people * EVENTS_PER_PERSON}`);
    if (merges !== people * MERGES_PER_PERSON) problems.push(`resolver logged ${merges} merges, expected ${people * MERGES_PER_PERSON}`);
    if (active !== people) problems.push(`${active} active profiles, expected ${people}`);
    if (wrongCounts !== 0) problems.push(`${wrongCounts} profiles whose event counts do not add up to ${EVENTS_PER_PERSON}`);
    return problems;
  } finally {
    await db.end();
  }
}

interface Options {
  people: number;
  cpuProf?: string;
  databaseUrl?: string;
  pgStats?: boolean;
  kafka: BenchKafkaKind;
}

/** One measurement on a fresh rig (broker, Postgres, both services); returns events/s, or undefined if the check failed. */
async function runRound(values: Options): Promise<number | undefined> {
  const { people } = values;
  const events = people * EVENTS_PER_PERSON;
  let result: number | undefined;
  const rigOptions = {
    workPrefix: 'tessera-bench-c360-',
    clientId: 'bench-c360',
    databaseUrl: values.databaseUrl,
    cpuProfDir: values.cpuProf,
    pgSettings: values.pgStats ? PG_STATS_SETTINGS : [],
    kafka: values.kafka,
  };
  await BenchRig.run(rigOptions, async (rig) => {
    const { admin, databaseUrl } = rig;
    const service = async (name: string, schema: string) => {
      const port = await freePort();
      const child = rig.spawn(name, `services/${name}/src/main.ts`, {
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        PORT: String(port),
        DATABASE_URL: databaseUrl,
        DATABASE_SCHEMA: schema,
        KAFKA_BROKERS: rig.brokers.join(','),
        TESSERA_ADMIN_TOKEN: ADMIN_TOKEN,
      });
      return { child, readyz: `http://127.0.0.1:${port}/readyz`, metrics: `http://127.0.0.1:${port}/metrics` };
    };
    const resolver = await service('identity-resolver', RESOLVER_SCHEMA);
    const merger = await service('profile-merger', MERGER_SCHEMA);
    await resolver.child.waitForHttp(resolver.readyz);
    await merger.child.waitForHttp(merger.readyz);

    process.stdout.write(
      `encoding ${fmt(events)} events (${fmt(people)} people x ${EVENTS_PER_PERSON}, ${MERGES_PER_PERSON} merging each)...\n`,
    );
    const workload = encodedWorkload(people);
    const producer = rig.kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    if (values.pgStats) await resetPgStats(databaseUrl);
    const lockWaits = values.pgStats ? await sampleLockWaits(databaseUrl) : undefined;
    const meter = new CpuMeter({
      resolver: () => resolver.child.cpuSeconds(),
      merger: () => merger.child.cpuSeconds(),
      broker: () => rig.broker.cpuSeconds(),
    });
    // A backend's CPU is read from /proc while it lives: the pools close connections idle for 10 s, and the resolver's
    // go idle when it is done, often that long before the merger is. So every poll keeps each backend's latest figure.
    const pgByService = new PostgresCpuByClient(rig.pgDataDir, { resolver: resolver.child.pid, merger: merger.child.pid });
    const pgBefore = pgByService.snapshot();
    const pgSeen = pgByService.snapshot();
    const samplePostgres = () => {
      for (const [pid, backend] of pgByService.snapshot().backends) pgSeen.backends.set(pid, backend);
    };
    const started = Date.now();
    // The browsing phase must be resolved before the logins, or a login processed first (it sits on another
    // partition) would make the later anonymous events attach instead of merge: the clock keeps running meanwhile.
    const browsing = people * ANONYMOUS_STEPS;
    await produceRange(producer, Topics.EventsValid, workload, 0, browsing);
    while ((await committed(admin, 'identity-resolver', Topics.EventsValid)) < browsing) {
      samplePostgres();
      await new Promise((r) => setTimeout(r, 100));
    }
    await produceRange(producer, Topics.EventsValid, workload, browsing);
    const producedSeconds = (Date.now() - started) / 1000;
    await producer.disconnect();
    process.stdout.write(
      `browsing phase resolved and logins produced after ${producedSeconds.toFixed(1)} s; waiting for the merger to catch up...\n`,
    );
    let resolverSeconds = 0;
    const resolverDone = () => {
      resolverSeconds ||= (Date.now() - started) / 1000;
    };
    await rig.waitFor(
      () => {
        samplePostgres();
        return caughtUp(admin, events, resolverDone);
      },
      Math.max(300_000, events * 5),
      'not caught up',
    );
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(`resolver done after ${resolverSeconds.toFixed(1)} s, merger after ${seconds.toFixed(1)} s\n`);
    const cpu = meter.used();
    samplePostgres();
    const pgCpu = PostgresCpuByClient.between(pgBefore, pgSeen, ['resolver', 'merger']);
    const postgresSeconds = pgCpu.resolver + pgCpu.merger + pgCpu.other;
    const lockWaitLines = await lockWaits?.stop();
    const problems = await verify(databaseUrl, people);
    if (values.pgStats) process.stdout.write((await topStatements(databaseUrl, 30)) + lockWaitLines);
    const perEvent = (s: number) => microsPerEvent(s, events);
    process.stdout.write(
      [
        ...resultBlock(
          [
            'events',
            'merging',
            'seconds',
            'events/s',
            'resolver CPU µs/event',
            'merger CPU µs/event',
            'Postgres CPU µs/event',
            'broker CPU µs/event',
          ],
          [
            fmt(events),
            `${fmt(people * MERGES_PER_PERSON)} (${fmt((100 * MERGES_PER_PERSON) / EVENTS_PER_PERSON)} %)`,
            seconds.toFixed(1),
            fmt(events / seconds),
            perEvent(cpu.resolver),
            perEvent(cpu.merger),
            postgresSeconds > 0
              ? `${perEvent(postgresSeconds)} (resolver ${perEvent(pgCpu.resolver)}, merger ${perEvent(pgCpu.merger)}, other ${perEvent(pgCpu.other)})`
              : '-',
            perEvent(cpu.broker),
          ],
        ),
        formatSlices('resolver', await consumerSlices(resolver.metrics)),
        formatSlices('merger', await consumerSlices(merger.metrics)),
        `resolver + merger: ${fmt(events / seconds)} events/s (target >= 10,000): ${events / seconds >= 10_000 ? 'MET' : 'NOT MET'}`,
        problems.length === 0
          ? 'check: every event stored once, every merge logged, every profile counts 10 events'
          : `CHECK FAILED: ${problems.join('; ')}`,
        '',
      ].join('\n'),
    );
    if (problems.length > 0) process.exitCode = 1;
    else result = events / seconds;
  });
  return result;
}

const median = (results: readonly number[]) => [...results].sort((a, b) => a - b)[Math.floor((results.length - 1) / 2)];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      people: { type: 'string', default: '10000' },
      rounds: { type: 'string', default: '1' },
      kafka: { type: 'string' },
      'cpu-prof': { type: 'string' },
      'database-url': { type: 'string' },
      'pg-stats': { type: 'boolean' },
    },
  });
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer, got ${values.rounds}`);
  // Apache Kafka's figures mean something only beside the embedded broker's, measured on the same machine in the same run.
  const kinds: BenchKafkaKind[] = parseKafkaKind(values.kafka) === 'apache' ? ['embedded', 'apache'] : ['embedded'];
  // Each round needs empty service schemas: only the embedded Postgres of a fresh rig gives them.
  if ((rounds > 1 || kinds.length > 1) && values['database-url'])
    throw new Error('several rounds need the embedded Postgres (drop --database-url)');
  const results = new Map<BenchKafkaKind, number[]>();
  for (const kind of kinds) {
    const options: Options = {
      people: Number(values.people),
      cpuProf: values['cpu-prof'],
      databaseUrl: values['database-url'],
      pgStats: values['pg-stats'],
      kafka: kind,
    };
    const perRound: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      if (rounds > 1 || kinds.length > 1)
        process.stdout.write(`\n== ${kind === 'apache' ? 'Apache Kafka' : 'embedded broker'}: round ${round} of ${rounds}\n`);
      const eventsPerSecond = await runRound(options);
      if (eventsPerSecond === undefined) return; // the failed check already set the exit code
      perRound.push(eventsPerSecond);
    }
    results.set(kind, perRound);
  }
  if (rounds === 1 && kinds.length === 1) return;
  // The machine is shared and noisy (±20 % between identical runs): the median of several rounds is the figure.
  process.stdout.write('\n| broker | median events/s | rounds |\n|---|---:|---|\n');
  for (const [kind, perRound] of results) {
    process.stdout.write(
      `| ${kind === 'apache' ? 'Apache Kafka' : 'embedded broker'} | ${fmt(median(perRound))} | ${perRound.map((r) => fmt(r)).join(', ')} |\n`,
    );
  }
  const embedded = median(results.get('embedded') ?? []);
  process.stdout.write(`embedded broker: median ${fmt(embedded)} events/s (target >= 10,000: ${embedded >= 10_000 ? 'MET' : 'NOT MET'})\n`);
}

runMain(main);
