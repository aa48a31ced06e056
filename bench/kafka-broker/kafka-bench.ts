/**
 * Kafka broker benchmark (issue 2): kcat produces then consumes N records of ~100 bytes against
 * (a) librdkafka's in-memory mock cluster, the reference, and (b) the durable embedded broker started by its CLI,
 * in the same run, runs interleaved so both see the same machine load. Run it with `bash bench/kafka-broker/run.sh`.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { cpuSecondsOf, reapedChildrenCpuSeconds, type BenchBroker } from './bench-broker';
import { BENCH_USAGE, parseBenchOptions, type BenchOptions, type BrokerKind } from './bench-options';
import { EmbeddedBrokerProcess } from './embedded-broker-process';
import { kcatConsume, kcatProduce, kcatVersion, KCAT_PRODUCE_ARGS } from './kcat-runner';
import { MockClusterBroker } from './mock-cluster-broker';
import { ensureRecordFile } from './record-file';
import { formatTable, ratios, summarize, type RunResult } from './report-table';

const REPO_ROOT = path.resolve(__dirname, '../..');
const BUILD_DIR = path.join(REPO_ROOT, 'bench/.build');

function admin(bootstrap: string) {
  return new Kafka({ clientId: 'kafka-bench', brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
}

async function createTopics(bootstrap: string, topics: string[], partitions: number): Promise<void> {
  const client = admin(bootstrap);
  await client.connect();
  try {
    await client.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: partitions })), waitForLeaders: true });
  } finally {
    await client.disconnect();
  }
}

/** Sum of the partitions' high watermarks: what the broker says it stored. */
async function storedRecords(bootstrap: string, topic: string): Promise<number> {
  const client = admin(bootstrap);
  await client.connect();
  try {
    const offsets = await client.fetchTopicOffsets(topic);
    return offsets.reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0);
  } finally {
    await client.disconnect();
  }
}

async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startBroker(
  kind: BrokerKind,
  options: BenchOptions,
  topics: string[],
  partitions: number,
  dataDirs: string[],
): Promise<BenchBroker> {
  if (kind === 'mock')
    return MockClusterBroker.start(
      options.mockLauncher,
      topics.map((topic) => `${topic}:${partitions}`),
    );
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `tessera-bench-p${partitions}-`));
  dataDirs.push(dataDir);
  const logFd = openSync(path.join(BUILD_DIR, `embedded-broker-p${partitions}.log`), 'w');
  try {
    const broker = await EmbeddedBrokerProcess.start({
      repoRoot: REPO_ROOT,
      port: await freePort(),
      dataDir,
      extraArgs: options.brokerArgs,
      cpuProfileDir: options.cpuProfileDir,
      logFd,
    });
    await createTopics(broker.bootstrap, topics, partitions);
    return broker;
  } finally {
    closeSync(logFd);
  }
}

async function measure(
  kind: BrokerKind,
  broker: BenchBroker,
  topic: string,
  file: string,
  options: BenchOptions,
  partitions: number,
  run: number,
): Promise<RunResult> {
  const cpuBefore = cpuSecondsOf(broker.pid);
  const kcatCpuBefore = reapedChildrenCpuSeconds();
  const produced = await kcatProduce(broker.bootstrap, topic, file);
  const cpuAfterProduce = cpuSecondsOf(broker.pid);
  const kcatProduceCpuSeconds = reapedChildrenCpuSeconds() - kcatCpuBefore;
  if (produced.exitCode !== 0) throw new Error(`kcat produce to ${kind} failed (exit ${produced.exitCode}): ${produced.stderr}`);
  const producedOffsets = await storedRecords(broker.bootstrap, topic);

  const consumed = await kcatConsume(broker.bootstrap, topic, path.join(BUILD_DIR, `consumed-${kind}.txt`));
  const cpuAfterConsume = cpuSecondsOf(broker.pid);
  if (consumed.exitCode !== 0) throw new Error(`kcat consume from ${kind} failed (exit ${consumed.exitCode}): ${consumed.stderr}`);
  // The mock keeps only the newest 5 MiB / 100k batches per partition in memory, so it cannot serve every record.
  if (kind === 'embedded' && (consumed.lines !== options.records || consumed.bytes !== options.records * (options.recordBytes + 1))) {
    throw new Error(`embedded broker returned ${consumed.lines} records (${consumed.bytes} bytes), expected ${options.records}`);
  }
  if (producedOffsets !== options.records && kind === 'embedded') {
    throw new Error(`embedded broker reports ${producedOffsets} stored records, expected ${options.records}`);
  }
  const result: RunResult = {
    broker: kind,
    partitions,
    run,
    records: options.records,
    recordBytes: options.recordBytes,
    produceSeconds: produced.seconds,
    producedOffsets,
    produceCpuSeconds: cpuAfterProduce - cpuBefore,
    kcatProduceCpuSeconds,
    consumeSeconds: consumed.seconds,
    consumedRecords: consumed.lines,
    consumeCpuSeconds: cpuAfterConsume - cpuAfterProduce,
  };
  console.log(
    `  p=${partitions} run ${run} ${kind.padEnd(8)} produce ${produced.seconds.toFixed(3)} s ` +
      `(${Math.round(options.records / produced.seconds).toLocaleString('en-US')} msgs/s), ` +
      `consume ${consumed.lines} in ${consumed.seconds.toFixed(3)} s; CPU s: broker ${result.produceCpuSeconds.toFixed(2)}/${result.consumeCpuSeconds.toFixed(2)}, kcat -P ${kcatProduceCpuSeconds.toFixed(2)}`,
  );
  return result;
}

function describeMachine(dataRoot: string): string[] {
  const cpus = os.cpus();
  let filesystem = '?';
  try {
    filesystem = execFileSync('df', ['-T', dataRoot], { encoding: 'utf8' }).trim().split('\n')[1].split(/\s+/)[1];
  } catch {
    // df missing: leave it unknown
  }
  return [
    `machine: ${cpus.length} x ${cpus[0]?.model ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, Linux ${os.release()}, node ${process.version}`,
    `data dir filesystem: ${filesystem} (${dataRoot}); load average at start: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  ];
}

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  if (!options) {
    process.stdout.write(BENCH_USAGE);
    return;
  }
  mkdirSync(BUILD_DIR, { recursive: true });
  if (options.cpuProfileDir) mkdirSync(options.cpuProfileDir, { recursive: true });
  const file = await ensureRecordFile(BUILD_DIR, options.records, options.recordBytes);
  const header = [
    `Kafka broker benchmark: ${options.records.toLocaleString('en-US')} records x ${options.recordBytes} B, ${await kcatVersion()}`,
    `produce: kcat -P -b <bootstrap> -t <topic> ${KCAT_PRODUCE_ARGS.join(' ')} -l <file>`,
    'consume: kcat -C -b <bootstrap> -t <topic> -o beginning -e -q',
    ...describeMachine(os.tmpdir()),
    `runs: ${options.runs} per broker and partition count, interleaved; the table shows medians (and the best produce run)`,
  ];
  console.log(header.join('\n'));

  const results: RunResult[] = [];
  const dataDirs: string[] = [];
  try {
    for (const partitions of options.partitions) {
      const topics = Array.from({ length: options.runs }, (_, run) => `bench-p${partitions}-r${run + 1}`);
      const brokers = new Map<BrokerKind, BenchBroker>();
      try {
        for (const kind of options.brokers) brokers.set(kind, await startBroker(kind, options, topics, partitions, dataDirs));
        for (let run = 0; run < options.runs; run++) {
          for (const [kind, broker] of brokers) {
            results.push(await measure(kind, broker, topics[run], file, options, partitions, run + 1));
          }
        }
      } finally {
        for (const broker of brokers.values()) await broker.stop();
      }
    }
  } finally {
    if (!options.keepData) for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  }

  const rows = summarize(results);
  console.log(`\n${formatTable(rows, options.records, options.brokerArgs.join(' '))}`);
  if (rows.some((row) => row.broker === 'mock' && row.consumedRecords !== options.records)) {
    console.log('* the mock cluster keeps only the newest 5 MiB (or 100k batches) per partition in memory, so it serves only that tail.');
  }
  console.log('MB/s counts record values only (10^6 bytes); CPU = user+system seconds (broker: during produce / consume).');
  let missed = false;
  for (const ratio of ratios(rows)) {
    const verdict = ratio.produce >= options.target ? 'meets' : 'MISSES';
    missed ||= ratio.produce < options.target;
    console.log(
      `partitions=${ratio.partitions}: produce ratio embedded/mock = ${ratio.produce.toFixed(2)} on medians (${verdict} target ${options.target}), ` +
        `${ratio.produceBest.toFixed(2)} on best runs`,
    );
  }
  console.log(
    `load average at end: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  if (missed && options.strict) process.exitCode = 3;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
