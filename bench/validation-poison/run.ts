/**
 * Poison input in validation (issue 12, item 7): events/s through the real validation service with no poison and
 * with 1 % of the events carrying a property nested 5,000 deep (arrays, 10 KB; deep enough to overflow a recursive
 * JSON.stringify's stack, which would make every slice holding one fall back to one transaction per message). Each run gets a fresh rig (durable
 * embedded broker, embedded Postgres) and a fresh validation process (main.ts, NODE_ENV=production); the workload
 * is produced to cdp.events.raw once it is ready, and the clock runs from the first produced event until its
 * committed offsets reach the end of cdp.events.raw and every valid event and rejection is published. Clean and
 * poisoned runs alternate, so both see the same machine load; the figure is the median slowdown.
 *
 * Usage: node tools/run-ts.js bench/validation-poison/run.ts [--events 20000] [--poison-share 0.01] [--rounds 3] [--cpu-prof <dir>]
 */
import { Topics } from '@tessera/contracts';
import { freePort } from '@tessera/testing';
import { parseArgs } from 'node:util';
import { fmt, machineLine, microsPerEvent } from '../shared/bench-report';
import { BenchRig } from '../shared/bench-rig';
import { CpuMeter } from '../shared/cpu-meter';
import { committed, endOffset, produceRange } from '../shared/kafka-progress';
import { runMain } from '../shared/run-main';
import { encodedWorkload, POISON_DEPTH } from './workload';

const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
/** The issue's bar: 1 % poison may slow validation by at most 20 %. */
const MAX_SLOWDOWN = 0.2;

interface RunResult {
  eventsPerSecond: number;
  cpuMicrosPerEvent: string;
}

async function runOnce(events: number, share: number, cpuProfDir?: string): Promise<RunResult> {
  let result: RunResult | undefined;
  await BenchRig.run({ workPrefix: 'tessera-bench-validation-', clientId: 'bench-validation', cpuProfDir }, async (rig) => {
    const port = await freePort();
    const validation = rig.spawn('validation', 'services/validation/src/main.ts', {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      DATABASE_URL: rig.databaseUrl,
      DATABASE_SCHEMA: 'bench_validation',
      KAFKA_BROKERS: rig.brokers.join(','),
      TESSERA_ADMIN_TOKEN: ADMIN_TOKEN,
    });
    await validation.waitForHttp(`http://127.0.0.1:${port}/readyz`);
    const { messages, poison, bytes } = encodedWorkload(events, share);
    const producer = rig.kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const meter = new CpuMeter({ validation: () => validation.cpuSeconds() });
    const started = Date.now();
    await produceRange(producer, Topics.EventsRaw, messages);
    await producer.disconnect();
    const done = async () =>
      (await committed(rig.admin, 'validation', Topics.EventsRaw)) >= events &&
      (await endOffset(rig.admin, Topics.EventsValid)) >= events - poison &&
      (await endOffset(rig.admin, Topics.EventsRejected)) >= poison;
    await rig.waitFor(done, Math.max(300_000, events * 20), 'validation did not catch up');
    const seconds = (Date.now() - started) / 1000;
    const valid = await endOffset(rig.admin, Topics.EventsValid);
    const rejected = await endOffset(rig.admin, Topics.EventsRejected);
    if (valid !== events - poison || rejected !== poison)
      throw new Error(`expected ${events - poison} valid and ${poison} rejected, got ${valid} and ${rejected}`);
    result = { eventsPerSecond: events / seconds, cpuMicrosPerEvent: microsPerEvent(meter.used().validation, events) };
    process.stdout.write(
      `  ${share > 0 ? 'poisoned' : 'clean   '}: ${fmt(events)} events (${fmt(poison)} poison, ${fmt(bytes / 1e6, 1)} MB) in ${seconds.toFixed(1)} s = ${fmt(events / seconds)} events/s, validation CPU ${result.cpuMicrosPerEvent} µs/event\n`,
    );
  });
  return result!;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '20000' },
      'poison-share': { type: 'string', default: '0.01' },
      rounds: { type: 'string', default: '3' },
      'cpu-prof': { type: 'string' },
    },
  });
  const [events, share, rounds] = [Number(values.events), Number(values['poison-share']), Number(values.rounds)];
  if (!Number.isInteger(events) || events < 100) throw new Error(`--events must be an integer >= 100, got ${values.events}`);
  if (!(share > 0 && share < 1)) throw new Error(`--poison-share must be in (0, 1), got ${values['poison-share']}`);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer, got ${values.rounds}`);
  const clean: RunResult[] = [];
  const poisoned: RunResult[] = [];
  const slowdowns: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    process.stdout.write(`round ${round} of ${rounds}\n`);
    clean.push(await runOnce(events, 0, values['cpu-prof'] && `${values['cpu-prof']}/clean`));
    poisoned.push(await runOnce(events, share, values['cpu-prof'] && `${values['cpu-prof']}/poisoned`));
    slowdowns.push(1 - poisoned[poisoned.length - 1].eventsPerSecond / clean[clean.length - 1].eventsPerSecond);
  }
  const slowdown = median(slowdowns);
  process.stdout.write(
    [
      '',
      machineLine(),
      '',
      '| events | poison | clean events/s | poisoned events/s | slowdown (median of rounds) | rounds |',
      '|---:|---:|---:|---:|---:|---:|',
      `| ${fmt(events)} | ${fmt(share * 100, 1)} % (depth ${fmt(POISON_DEPTH)}) | ${fmt(median(clean.map((r) => r.eventsPerSecond)))} | ${fmt(median(poisoned.map((r) => r.eventsPerSecond)))} | ${fmt(slowdown * 100, 1)} % | ${slowdowns.map((s) => `${fmt(s * 100, 1)} %`).join(', ')} |`,
      '',
      `slowdown with ${fmt(share * 100, 1)} % poison: ${fmt(slowdown * 100, 1)} % (target <= ${MAX_SLOWDOWN * 100} %): ${slowdown <= MAX_SLOWDOWN ? 'MET' : 'NOT MET'}`,
      '',
    ].join('\n'),
  );
  if (slowdown > MAX_SLOWDOWN) process.exitCode = 1;
}

runMain(main);
