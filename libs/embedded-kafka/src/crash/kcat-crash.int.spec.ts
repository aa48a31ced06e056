/**
 * Crash test (issue 2): while kcat produces with acks=-1, the broker process gets `kill -9`, is restarted on the
 * same data directory and port, and production continues. Then every acknowledged record must be in the log exactly
 * once, and the consumer group offsets committed before the kill must have survived.
 *
 * What "acknowledged" means here, so the assertions are sound:
 *  - Records go in chunks of CHUNK_SIZE, one kcat process per chunk. kcat exits 0 only when every record it read got
 *    a successful delivery report, i.e. an acks=-1 Produce response without error. A chunk whose kcat exited 0 is
 *    acknowledged as a whole.
 *  - The chunk in flight during the kill goes to partition 0 only, with one request in flight at a time, and kcat
 *    prints one delivery report per record (-v -v). librdkafka reports a partition's deliveries in production order,
 *    so the i-th report is the i-th record of the chunk, and a successful report carries the offset the broker
 *    assigned. Each such record must be found at exactly that offset after the restart.
 *  - The producer runs with retries=0 and without idempotence: every record crosses the wire in at most one Produce
 *    request, so no record may appear twice, acknowledged or not (a record whose request failed may be absent or
 *    present once: the broker may have written it before dying).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { BrokerChildProcess, freeLoopbackPort, type BrokerChildOptions } from './broker-child-process';
import { recordIdOf, recordLines } from './crash-records';
import { consumeAllWithOffsets, consumeInGroup } from './kcat-consumer';
import { KcatProducer, type KcatProducerResult } from './kcat-producer';

const TOPIC = 'crash';
const PARTITIONS = 2;
const CHUNK_SIZE = 10_000;
const CHUNKS = 20; // 200k records in all
const CRASH_CHUNK = 10;
const GROUP = 'crash-group';
const GROUP_CONSUMED = 5_000;

const PRODUCER_ARGS = [
  '-X',
  'acks=all', // request.required.acks=-1
  '-X',
  'enable.idempotence=false',
  '-X',
  'retries=0',
  '-X',
  'linger.ms=5',
  // Long enough for records queued while the broker is down to wait for the restart instead of failing.
  '-X',
  'message.timeout.ms=40000',
  '-X',
  'reconnect.backoff.ms=20',
  '-X',
  'reconnect.backoff.max.ms=200',
];

const started = Date.now();
const progress = (step: string) => process.env.CRASH_TEST_VERBOSE && process.stderr.write(`[crash ${Date.now() - started} ms] ${step}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function admin(bootstrap: string) {
  return new Kafka({ clientId: 'crash-test', brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
}

async function withAdmin<T>(bootstrap: string, action: (client: ReturnType<typeof admin>) => Promise<T>): Promise<T> {
  const client = admin(bootstrap);
  await client.connect();
  try {
    return await action(client);
  } finally {
    await client.disconnect();
  }
}

/** partition -> committed offset of GROUP on TOPIC (OffsetFetch). */
function committedOffsets(bootstrap: string): Promise<Record<number, string>> {
  return withAdmin(bootstrap, async (client) => {
    const [topic] = await client.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
    return Object.fromEntries(topic.partitions.map((partition) => [partition.partition, partition.offset]));
  });
}

function brokerLogTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').slice(-4000);
  } catch {
    return '(no log)';
  }
}

describe('kcat crash test: kill -9 while kcat produces with acks=-1', () => {
  let workDir: string;
  let brokerOptions: BrokerChildOptions;
  let broker: BrokerChildProcess | undefined;
  let bootstrap: string;

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(os.tmpdir(), 'tessera-kcat-crash-'));
    const port = await freeLoopbackPort();
    bootstrap = `127.0.0.1:${port}`;
    brokerOptions = {
      port,
      dataDir: path.join(workDir, 'data'),
      logFile: path.join(workDir, 'broker.log'),
      // Kafka's 3 s initial rebalance delay only slows the two single-member groups down.
      extraArgs: ['--group-initial-rebalance-delay-ms', '0'],
    };
  });

  afterAll(async () => {
    await broker?.kill('SIGTERM');
    if (!process.env.KEEP_CRASH_TEST_DATA) rmSync(workDir, { recursive: true, force: true });
  });

  async function produceChunk(chunk: number): Promise<KcatProducerResult> {
    const producer = KcatProducer.start(bootstrap, TOPIC, PRODUCER_ARGS);
    await producer.write(recordLines(chunk * CHUNK_SIZE, CHUNK_SIZE));
    return producer.finish();
  }

  it('keeps every acknowledged record exactly once and the committed group offsets', async () => {
    try {
      await crashScenario();
    } catch (error) {
      // The broker's own account of the crash and the recovery is the first thing to read when this fails.
      console.error(`broker log tail (${brokerOptions.logFile}):\n${brokerLogTail(brokerOptions.logFile)}`);
      throw error;
    }
  }, 120_000);

  async function crashScenario(): Promise<void> {
    broker = await BrokerChildProcess.start(brokerOptions);
    progress('broker started');
    await withAdmin(bootstrap, (client) =>
      client.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }], waitForLeaders: true }),
    );

    const acknowledgedChunks: number[] = [];
    const failedChunkLog: string[] = [];
    const produceSteadyChunk = async (chunk: number) => {
      const result = await produceChunk(chunk);
      if (result.exitCode === 0) acknowledgedChunks.push(chunk);
      else failedChunkLog.push(`chunk ${chunk}: exit ${result.exitCode}, ${result.stderr.slice(0, 5).join(' | ')}`);
    };

    for (let chunk = 0; chunk < 3; chunk++) await produceSteadyChunk(chunk);
    progress('first chunks produced');

    // A librdkafka group member consumes some records and commits on close, before the crash.
    const groupValues = await consumeInGroup(bootstrap, GROUP, TOPIC, { count: GROUP_CONSUMED });
    expect(groupValues).toHaveLength(GROUP_CONSUMED);
    progress('group consumed');
    const committedBeforeCrash = await committedOffsets(bootstrap);
    const committedSum = Object.values(committedBeforeCrash).reduce((sum, offset) => sum + Math.max(0, Number(offset)), 0);
    expect(committedSum).toBe(GROUP_CONSUMED);

    for (let chunk = 3; chunk < CRASH_CHUNK; chunk++) await produceSteadyChunk(chunk);
    progress('chunks before the crash produced');

    // The crash chunk: fed slowly so kcat is mid-stream; the broker dies as soon as the first acknowledgement is seen.
    const crashFirstId = CRASH_CHUNK * CHUNK_SIZE;
    const crashProducer = KcatProducer.start(bootstrap, TOPIC, [...PRODUCER_ARGS, '-p', '0', '-X', 'max.in.flight=1']);
    let linesWrittenAtKill = -1;
    let reportsAtKill = -1;
    const killed = crashProducer.waitForReports(1, 30_000).then(async () => {
      reportsAtKill = crashProducer.reports.length;
      const exit = await broker!.kill('SIGKILL');
      expect(exit.signal).toBe('SIGKILL');
    });
    killed.catch(() => undefined); // awaited below; this only keeps an early failure from counting as unhandled
    const slice = 100;
    for (let written = 0; written < CHUNK_SIZE; written += slice) {
      if (linesWrittenAtKill < 0 && reportsAtKill >= 0) linesWrittenAtKill = written;
      await crashProducer.write(recordLines(crashFirstId + written, slice));
      await sleep(2);
    }
    await killed;
    progress('broker killed');
    broker = await BrokerChildProcess.start(brokerOptions);
    progress('broker restarted');
    const crashResult = await crashProducer.finish();
    progress('crash chunk finished');

    for (let chunk = CRASH_CHUNK + 1; chunk < CHUNKS; chunk++) await produceSteadyChunk(chunk);
    progress('all chunks produced');

    // One delivery report per record of the crash chunk, else the report-to-record mapping below is meaningless.
    expect(crashResult.reports).toHaveLength(CHUNK_SIZE);
    const crashAcknowledged = new Map<number, { partition: number; offset: number }>();
    crashResult.reports.forEach((report, index) => {
      if (report.delivered) crashAcknowledged.set(crashFirstId + index, { partition: report.partition!, offset: report.offset! });
    });
    expect(crashAcknowledged.size).toBeGreaterThan(0);

    // Read back everything.
    const consumed = await consumeAllWithOffsets(bootstrap, TOPIC);
    progress('consumed all');
    const corrupt: string[] = [];
    const locations = new Map<number, Array<{ partition: number; offset: number }>>();
    const offsetsByPartition = new Map<number, number[]>();
    for (const line of consumed) {
      const id = recordIdOf(line.value);
      if (id === undefined || id >= CHUNKS * CHUNK_SIZE) corrupt.push(`${line.partition}@${line.offset}: ${line.value.slice(0, 40)}`);
      else {
        const where = locations.get(id) ?? [];
        where.push({ partition: line.partition, offset: line.offset });
        locations.set(id, where);
      }
      const offsets = offsetsByPartition.get(line.partition) ?? [];
      offsets.push(line.offset);
      offsetsByPartition.set(line.partition, offsets);
    }

    const gaps: string[] = [];
    for (const [partition, offsets] of offsetsByPartition) {
      const firstBad = offsets.findIndex((offset, index) => offset !== index);
      if (firstBad >= 0) gaps.push(`partition ${partition}: position ${firstBad} holds offset ${offsets[firstBad]}`);
    }
    const duplicated = [...locations].filter(([, where]) => where.length > 1).map(([id, where]) => `${id} x${where.length}`);
    const missingAcknowledged: number[] = [];
    for (const chunk of acknowledgedChunks) {
      for (let id = chunk * CHUNK_SIZE; id < (chunk + 1) * CHUNK_SIZE; id++) if (!locations.has(id)) missingAcknowledged.push(id);
    }
    const misplacedCrashRecords: string[] = [];
    for (const [id, acked] of crashAcknowledged) {
      const where = locations.get(id);
      if (!where || where.length !== 1 || where[0].partition !== acked.partition || where[0].offset !== acked.offset) {
        misplacedCrashRecords.push(`${id}: acked at ${acked.partition}@${acked.offset}, found ${JSON.stringify(where ?? [])}`);
      }
    }

    const crashFailures = crashResult.reports.filter((report) => !report.delivered).length;
    const crashFailedPresent = crashResult.reports.filter(
      (report, index) => !report.delivered && locations.has(crashFirstId + index),
    ).length;
    console.info(
      `crash test: ${consumed.length} records in the log; ${acknowledgedChunks.length}/${CHUNKS - 1} steady chunks acknowledged; ` +
        `crash chunk: ${reportsAtKill} reports before the kill, ${linesWrittenAtKill < 0 ? 'all' : linesWrittenAtKill} lines fed by then, ` +
        `${crashAcknowledged.size} acknowledged, ${crashFailures} failed (${crashFailedPresent} of those were written anyway), kcat exit ${crashResult.exitCode}`,
    );

    progress('checking');
    expect(failedChunkLog).toEqual([]); // the broker was up for all steady chunks, before and after the restart
    expect(corrupt.slice(0, 10)).toEqual([]);
    expect(gaps).toEqual([]);
    expect(duplicated.slice(0, 10)).toEqual([]);
    expect(missingAcknowledged.slice(0, 10)).toEqual([]);
    expect(misplacedCrashRecords.slice(0, 10)).toEqual([]);

    // The offsets committed before the kill survived it, and a new group member resumes right after them.
    expect(await committedOffsets(bootstrap)).toEqual(committedBeforeCrash);
    progress('committed offsets fetched');
    const resumed = await consumeInGroup(bootstrap, GROUP, TOPIC, { untilEnd: true });
    progress('group resumed');
    expect(resumed).toHaveLength(consumed.length - GROUP_CONSUMED);
  }
});
