/**
 * Transport floor of the identity resolver + profile merger pipeline (issue 5): what it costs to move an event
 * through two exactly-once stages with no domain logic. Stage A (stage.ts, group floor-a) consumes
 * cdp.events.valid and emits every event unchanged to cdp.events.resolved; stage B (floor-b) consumes that and
 * emits one message per event to cdp.profiles.changed, as the merger does about once per event. Each stage is a
 * child process with its own schema, outbox relay and producer, wired with the services' defaults. The input is
 * customer-360's workload (same events, same tessera-seq headers), produced at once after both stages are ready.
 * The clock runs from the first produced event until stage B's committed offsets reach the end of stage A's output,
 * after stage A's reached the end of its input; then both output topics must hold exactly one record per event.
 * --item-log adds one narrow row per event in each stage's transaction (item-log.ts).
 *
 * Usage: node tools/run-ts.js bench/transport-floor/run.ts [--people 5000] [--item-log] [--cpu-prof <dir>]
 */
import { Topics } from '@tessera/contracts';
import { freePort } from '@tessera/testing';
import type { Admin } from 'kafkajs';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { encodedWorkload, EVENTS_PER_PERSON } from '../customer-360/workload';
import { postgresCpuSeconds } from '../customer-360/postgres-cpu';
import { fmt, microsPerEvent, resultBlock } from '../shared/bench-report';
import { BenchRig } from '../shared/bench-rig';
import { runMain } from '../shared/run-main';
import { CpuMeter } from '../shared/cpu-meter';
import { committed, endOffset, produceRange } from '../shared/kafka-progress';
import { ITEM_LOGS, type ItemLogKind } from './item-log';
import { fetchStageStats } from './stage-stats';

interface StageSpec {
  /** Process name, consumer group, metric prefix and (with _ for -) Postgres schema. */
  service: string;
  /** The catalog service whose configuration (pool, slice and fetch sizes...) the stage loads. */
  standsFor: string;
  input: string;
  output: string;
  itemLog: ItemLogKind;
}

const STAGE_A: StageSpec = { service: 'floor-a', standsFor: 'identity-resolver', input: Topics.EventsValid, output: Topics.EventsResolved, itemLog: 'source-items' };
const STAGE_B: StageSpec = { service: 'floor-b', standsFor: 'profile-merger', input: Topics.EventsResolved, output: Topics.ProfilesChanged, itemLog: 'profile-items' };

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

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { people: { type: 'string', default: '5000' }, 'item-log': { type: 'boolean' }, 'cpu-prof': { type: 'string' } } });
  const people = Number(values.people);
  const events = people * EVENTS_PER_PERSON;
  const variant = values['item-log'] ? 'item log' : 'plain';
  await BenchRig.run({ workPrefix: 'tessera-bench-floor-', clientId: 'bench-floor', cpuProfDir: values['cpu-prof'] }, async (rig) => {
    const { admin } = rig;
    const stage = async (spec: StageSpec) => {
      const port = await freePort();
      const child = rig.spawn(spec.service, 'bench/transport-floor/stage.ts', {
        NODE_ENV: 'production', LOG_LEVEL: 'warn', PORT: String(port), DATABASE_URL: rig.databaseUrl, DATABASE_SCHEMA: schemaOf(spec),
        KAFKA_BROKERS: rig.brokers.join(','), KAFKA_CLIENT_ID: spec.service, TESSERA_ADMIN_TOKEN: 'bench-admin-token-0123456789abcdef',
        SERVICE: spec.service, STANDS_FOR: spec.standsFor, IN_TOPIC: spec.input, OUT_TOPIC: spec.output, ITEM_LOG: values['item-log'] ? spec.itemLog : '',
      });
      await child.waitForHttp(`http://127.0.0.1:${port}/readyz`);
      return { child, stats: () => fetchStageStats(port, spec.service) };
    };
    const [a, b] = await Promise.all([stage(STAGE_A), stage(STAGE_B)]);

    process.stdout.write(`encoding ${fmt(events)} events (customer-360's workload, ${fmt(people)} people), variant ${variant}...\n`);
    const workload = encodedWorkload(people);
    const producer = rig.kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const meter = new CpuMeter({ a: () => a.child.cpuSeconds(), b: () => b.child.cpuSeconds(), broker: () => rig.broker.cpuSeconds(), postgres: () => postgresCpuSeconds(rig.pgDataDir) });
    const started = Date.now();
    await produceRange(producer, STAGE_A.input, workload);
    const producedSeconds = (Date.now() - started) / 1000;
    await producer.disconnect();
    process.stdout.write(`produced after ${producedSeconds.toFixed(1)} s; waiting for stage B to catch up...\n`);
    await rig.waitFor(() => caughtUp(admin, events), Math.max(300_000, events * 5), 'not caught up');
    const seconds = (Date.now() - started) / 1000;
    const cpu = meter.used();
    const stats = { A: await a.stats(), B: await b.stats() };

    // Stage B's relay publishes its last slices just after the clock stops. Once both outboxes are empty nothing
    // more can be published, and each output must hold every event exactly once (a lost event or a relay
    // republish would show here).
    await rig.waitFor(async () => (await rowCounts(rig.databaseUrl, () => 'kafka_outbox_batches')).every((n) => n === 0), 60_000, 'outboxes not drained');
    const problems: string[] = [];
    for (const topic of [STAGE_A.output, STAGE_B.output]) {
      const held = await endOffset(admin, topic);
      if (held !== events) problems.push(`${topic} holds ${fmt(held)} records, expected ${fmt(events)}`);
    }
    if (values['item-log']) {
      const logged = await rowCounts(rig.databaseUrl, (s) => ITEM_LOGS[s.itemLog].table);
      if (logged.some((n) => n !== events)) problems.push(`item logs hold ${logged.map((n) => fmt(n)).join(' and ')} rows, expected ${fmt(events)} each`);
    }
    const perEvent = (s: number) => microsPerEvent(s, events);
    process.stdout.write([
      ...resultBlock(
        ['events', 'variant', 'seconds', 'events/s', 'stage A CPU µs/event', 'stage B CPU µs/event', 'Postgres CPU µs/event', 'broker CPU µs/event', 'total CPU µs/event'],
        [fmt(events), variant, seconds.toFixed(1), fmt(events / seconds), perEvent(cpu.a), perEvent(cpu.b), perEvent(cpu.postgres), perEvent(cpu.broker), perEvent(cpu.a + cpu.b + cpu.postgres + cpu.broker)],
      ),
      `transport floor (two exactly-once stages): ${fmt(events / seconds)} events/s (target >= 10,000 for the whole pipeline)`,
      ...Object.entries(stats).map(([name, st]) => `stage ${name}: ${fmt(st.slices)} slices of ${fmt(events / st.slices)} events on average, ${fmt((1000 * st.sliceSeconds) / st.slices, 1)} ms each; ${fmt(st.producerSends)} relay sends of ${fmt(events / st.producerSends)}`),
      problems.length === 0 ? `check: ${STAGE_A.output} and ${STAGE_B.output} each hold exactly ${fmt(events)} records${values['item-log'] ? ', each item log as many rows' : ''}` : `CHECK FAILED: ${problems.join('; ')}`,
      '',
    ].join('\n'));
    if (problems.length > 0) process.exitCode = 1;
  });
}

runMain(main);
