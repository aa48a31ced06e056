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
 * --pg-stats prints the statements with the most Postgres time (pg_stat_statements, counted from before the stages
 * start, so their migrations are in it too).
 *
 * Usage: node tools/run-ts.js bench/transport-floor/run.ts [--people 5000] [--item-log] [--cpu-prof <dir>] [--pg-stats]
 */
import { Topics } from '@tessera/contracts';
import { parseArgs } from 'node:util';
import { fmt, microsPerEvent, resultBlock } from '../shared/bench-report';
import { BenchRig } from '../shared/bench-rig';
import { PG_STATS_SETTINGS, resetPgStats, topStatements } from '../shared/pg-stats';
import { runMain } from '../shared/run-main';
import { measureTransportFloor } from './floor';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      people: { type: 'string', default: '5000' },
      'item-log': { type: 'boolean' },
      'cpu-prof': { type: 'string' },
      'pg-stats': { type: 'boolean' },
    },
  });
  const pgStats = values['pg-stats'] ?? false;
  const rigOptions = { workPrefix: 'tessera-bench-floor-', clientId: 'bench-floor', cpuProfDir: values['cpu-prof'] };
  await BenchRig.run({ ...rigOptions, pgSettings: pgStats ? PG_STATS_SETTINGS : [] }, async (rig) => {
    if (pgStats) await resetPgStats(rig.databaseUrl);
    const { events, variant, seconds, cpu, stats, problems } = await measureTransportFloor(
      rig,
      Number(values.people),
      values['item-log'] ?? false,
    );
    const perEvent = (s: number) => microsPerEvent(s, events);
    process.stdout.write(
      [
        ...resultBlock(
          [
            'events',
            'variant',
            'seconds',
            'events/s',
            'stage A CPU µs/event',
            'stage B CPU µs/event',
            'Postgres CPU µs/event',
            'broker CPU µs/event',
            'total CPU µs/event',
          ],
          [
            fmt(events),
            variant,
            seconds.toFixed(1),
            fmt(events / seconds),
            perEvent(cpu.a),
            perEvent(cpu.b),
            perEvent(cpu.postgres),
            perEvent(cpu.broker),
            perEvent(cpu.a + cpu.b + cpu.postgres + cpu.broker),
          ],
        ),
        `transport floor (two exactly-once stages): ${fmt(events / seconds)} events/s (target >= 10,000 for the whole pipeline)`,
        ...Object.entries(stats).map(
          ([name, st]) =>
            `stage ${name}: ${fmt(st.slices)} slices of ${fmt(events / st.slices)} events on average, ${fmt((1000 * st.sliceSeconds) / st.slices, 1)} ms each; ${fmt(st.producerSends)} relay sends of ${fmt(events / st.producerSends)}`,
        ),
        problems.length === 0
          ? `check: ${Topics.EventsResolved} and ${Topics.ProfilesChanged} each hold exactly ${fmt(events)} records${values['item-log'] ? ', each item log as many rows' : ''}`
          : `CHECK FAILED: ${problems.join('; ')}`,
        '',
      ].join('\n'),
    );
    if (pgStats) process.stdout.write(await topStatements(rig.databaseUrl, 20));
    if (problems.length > 0) process.exitCode = 1;
  });
}

runMain(main);
