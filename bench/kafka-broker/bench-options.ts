import { parseArgs } from 'node:util';

export type BrokerKind = 'mock' | 'embedded';

export interface BenchOptions {
  records: number;
  recordBytes: number;
  partitions: number[];
  runs: number;
  brokers: BrokerKind[];
  mockLauncher: string;
  /** Extra CLI arguments for the embedded broker, e.g. `--fsync os`. */
  brokerArgs: string[];
  /** When set, the embedded broker runs under `node --cpu-prof` and writes its profile here. */
  cpuProfileDir?: string;
  /** Exit non-zero when the produce ratio misses the target (for CI use). */
  strict: boolean;
  target: number;
  keepData: boolean;
}

export const BENCH_USAGE = `Kafka broker benchmark (kcat vs the durable embedded broker and librdkafka's mock cluster)

  bash bench/kafka-broker/run.sh [options]

  --records <n>          records per run (default 1000000)
  --record-bytes <n>     payload bytes per record (default 100)
  --partitions <list>    partition counts to measure, comma separated (default 1,4)
  --runs <n>             runs per broker and partition count; the table shows the median (default 5)
  --only <mock|embedded> measure one broker only
  --broker-arg <arg>     extra argument for the embedded broker CLI (repeatable), e.g. --broker-arg=--fsync=os
  --cpu-prof <dir>       run the embedded broker under node --cpu-prof, profiles written to <dir>
  --target <ratio>       produce ratio embedded/mock to reach (default 0.5)
  --strict               exit 3 when the target is missed
  --keep-data            keep the embedded broker's data directories
  --mock-launcher <path> compiled mock-cluster launcher (run.sh builds and passes it)
  --help                 this text
`;

function positiveInt(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got '${raw}'`);
  return value;
}

/** Returns undefined when --help was asked for. */
export function parseBenchOptions(argv: string[]): BenchOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      records: { type: 'string', default: '1000000' },
      'record-bytes': { type: 'string', default: '100' },
      partitions: { type: 'string', default: '1,4' },
      runs: { type: 'string', default: '5' },
      only: { type: 'string' },
      'broker-arg': { type: 'string', multiple: true, default: [] },
      'cpu-prof': { type: 'string' },
      target: { type: 'string', default: '0.5' },
      strict: { type: 'boolean', default: false },
      'keep-data': { type: 'boolean', default: false },
      'mock-launcher': { type: 'string', default: 'bench/.build/mock-cluster' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return undefined;
  const only = values.only;
  if (only !== undefined && only !== 'mock' && only !== 'embedded') {
    throw new Error(`--only must be 'mock' or 'embedded', got '${only}'`);
  }
  const recordBytes = positiveInt('record-bytes', values['record-bytes']);
  if (recordBytes < 16) throw new Error('--record-bytes must be at least 16 (the record number prefix)');
  return {
    records: positiveInt('records', values.records),
    recordBytes,
    partitions: values.partitions.split(',').map((part) => positiveInt('partitions', part.trim())),
    runs: positiveInt('runs', values.runs),
    brokers: only ? [only] : ['mock', 'embedded'],
    mockLauncher: values['mock-launcher'],
    brokerArgs: values['broker-arg'],
    cpuProfileDir: values['cpu-prof'],
    strict: values.strict,
    target: Number(values.target),
    keepData: values['keep-data'],
  };
}
