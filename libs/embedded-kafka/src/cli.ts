import { parseArgs } from 'node:util';
import pino from 'pino';
import { startBroker, KAFKA_DEFAULT_MAX_REQUEST_BYTES, type BrokerOptions } from './broker';
import type { FsyncPolicy } from './storage';

const OPTIONS = {
  port: { type: 'string', default: '9092', help: 'TCP port for Kafka clients (0 = any free port)' },
  host: { type: 'string', default: '127.0.0.1', help: 'interface to bind' },
  'data-dir': { type: 'string', help: 'directory for topics, logs and committed offsets (required)' },
  'advertised-host': { type: 'string', help: 'host name given to clients in Metadata (default: --host)' },
  'broker-id': { type: 'string', default: '1', help: 'node.id reported to clients' },
  'auto-create-topics': { type: 'string', default: 'true', help: 'auto.create.topics.enable: true|false' },
  'default-partitions': { type: 'string', default: '1', help: 'num.partitions for auto-created topics' },
  'max-request-bytes': {
    type: 'string',
    default: String(KAFKA_DEFAULT_MAX_REQUEST_BYTES),
    help: 'socket.request.max.bytes; larger frames close the connection',
  },
  'metrics-port': { type: 'string', help: 'serve Prometheus /metrics on this port (off by default)' },
  fsync: { type: 'string', default: 'acks-all', help: 'when to fsync appends: always | acks-all | os | <interval-ms>' },
  'retention-ms': { type: 'string', help: 'log.retention.ms (default 604800000; -1 keeps forever)' },
  'retention-bytes': { type: 'string', help: 'log.retention.bytes per partition (default -1)' },
  'segment-bytes': { type: 'string', help: 'log.segment.bytes (default 268435456)' },
  'segment-ms': { type: 'string', help: 'log.roll.ms (default 604800000)' },
  'message-max-bytes': { type: 'string', help: 'message.max.bytes: largest record batch accepted (default 1048588)' },
  'retention-check-interval-ms': { type: 'string', default: '300000', help: 'log.retention.check.interval.ms' },
  'group-initial-rebalance-delay-ms': { type: 'string', default: '3000', help: 'group.initial.rebalance.delay.ms' },
  'group-min-session-timeout-ms': { type: 'string', default: '6000', help: 'group.min.session.timeout.ms' },
  'group-max-session-timeout-ms': { type: 'string', default: '1800000', help: 'group.max.session.timeout.ms' },
  'log-level': { type: 'string', default: 'info', help: 'trace | debug | info | warn | error | silent' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
} as const;

function usage(): string {
  const lines = Object.entries(OPTIONS).map(([name, o]) => {
    const flag = `${'short' in o ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ' <value>' : ''}`;
    const def = 'default' in o ? ` (default: ${o.default})` : '';
    return `  ${flag.padEnd(50)}${o.help}${def}`;
  });
  return [
    'Usage: npm run kafka -- --data-dir <dir> [options]',
    '',
    'Runs the Tessera embedded Kafka broker in the foreground.',
    '',
    'Options:',
    ...lines,
    '',
  ].join('\n');
}

function integer(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new Error(`--${name} must be an integer, got "${raw}"`);
  return value;
}

function fsyncPolicy(raw: string): FsyncPolicy {
  if (raw === 'always' || raw === 'acks-all' || raw === 'os') return raw;
  const intervalMs = integer('fsync', raw) as number;
  if (intervalMs <= 0) throw new Error('--fsync interval must be positive');
  return { intervalMs };
}

function toOptions(values: Record<string, string | boolean | undefined>): BrokerOptions {
  const s = (name: keyof typeof OPTIONS) => values[name] as string | undefined;
  const dataDir = s('data-dir');
  if (!dataDir) throw new Error('--data-dir is required');
  const autoCreate = s('auto-create-topics');
  if (autoCreate !== 'true' && autoCreate !== 'false') throw new Error('--auto-create-topics must be true or false');
  return {
    dataDir,
    port: integer('port', s('port')),
    host: s('host'),
    advertisedHost: s('advertised-host'),
    brokerId: integer('broker-id', s('broker-id')),
    autoCreateTopics: autoCreate === 'true',
    defaultPartitions: integer('default-partitions', s('default-partitions')),
    maxRequestBytes: integer('max-request-bytes', s('max-request-bytes')),
    metricsPort: integer('metrics-port', s('metrics-port')),
    fsync: fsyncPolicy(s('fsync') as string),
    retentionMs: integer('retention-ms', s('retention-ms')),
    retentionBytes: integer('retention-bytes', s('retention-bytes')),
    segmentBytes: integer('segment-bytes', s('segment-bytes')),
    segmentMs: integer('segment-ms', s('segment-ms')),
    messageMaxBytes: integer('message-max-bytes', s('message-max-bytes')),
    retentionCheckIntervalMs: integer('retention-check-interval-ms', s('retention-check-interval-ms')),
    groupInitialRebalanceDelayMs: integer('group-initial-rebalance-delay-ms', s('group-initial-rebalance-delay-ms')),
    groupMinSessionTimeoutMs: integer('group-min-session-timeout-ms', s('group-min-session-timeout-ms')),
    groupMaxSessionTimeoutMs: integer('group-max-session-timeout-ms', s('group-max-session-timeout-ms')),
  };
}

async function main(): Promise<void> {
  const parseOptions = Object.fromEntries(
    Object.entries(OPTIONS).map(([name, o]) => [
      name,
      { type: o.type, ...('short' in o ? { short: o.short } : {}), ...('default' in o ? { default: o.default } : {}) },
    ]),
  );
  let values: Record<string, string | boolean | undefined>;
  let options: BrokerOptions;
  try {
    values = parseArgs({ options: parseOptions, allowPositionals: false, strict: true }).values as Record<
      string,
      string | boolean | undefined
    >;
    if (values.help) {
      process.stdout.write(usage());
      return;
    }
    options = toOptions(values);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${usage()}`);
    process.exitCode = 2;
    return;
  }
  const logger = pino({ name: 'embedded-kafka', level: values['log-level'] as string });
  const broker = await startBroker({ ...options, logger });
  process.stdout.write(
    `embedded kafka listening on ${broker.bootstrap}${broker.metricsPort !== undefined ? `, metrics on :${broker.metricsPort}/metrics` : ''}\n`,
  );
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    broker.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`embedded kafka failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
