import type { BrokerContext } from './broker-context';

export interface ConfigEntry {
  name: string;
  value: string;
  readOnly: boolean;
  /** topic = DYNAMIC_TOPIC_CONFIG, broker = STATIC_BROKER_CONFIG, default = DEFAULT_CONFIG. */
  source: 'topic' | 'broker' | 'default';
  /** DescribeConfigs v3+ ConfigType: 1 BOOLEAN, 2 STRING, 3 INT, 4 SHORT, 5 LONG, 7 LIST. */
  type: number;
}

const BOOLEAN = 1;
const STRING = 2;
const INT = 3;
const LONG = 5;
const LIST = 7;

/** Topic configs with Kafka's names: the ones storage honours plus the fixed behaviour of this broker. */
export function topicConfigEntries(ctx: BrokerContext, topic: string): ConfigEntry[] | undefined {
  const described = ctx.store.describeTopicConfigs(topic);
  if (!described) return undefined;
  const entries: ConfigEntry[] = described.map((e) => ({
    name: e.name,
    value: e.value,
    readOnly: false,
    source: e.isDefault ? 'default' : 'topic',
    type: /\.(ms|bytes)$/.test(e.name) ? LONG : STRING,
  }));
  const fixed: Array<[string, string, number]> = [
    ['compression.type', 'producer', STRING],
    ['message.timestamp.type', 'CreateTime', STRING],
    ['min.insync.replicas', '1', INT],
    ['unclean.leader.election.enable', 'false', BOOLEAN],
  ];
  for (const [name, value, type] of fixed) {
    if (!entries.some((e) => e.name === name)) entries.push({ name, value, readOnly: false, source: 'default', type });
  }
  return entries;
}

/** The broker's effective configuration as Kafka would name it. */
export function brokerConfigEntries(ctx: BrokerContext): ConfigEntry[] {
  const c = ctx.config;
  const d = ctx.store.defaults;
  const listener = `PLAINTEXT://${c.advertisedHost}:${c.advertisedPort}`;
  const rows: Array<[string, string, number]> = [
    ['broker.id', String(c.brokerId), INT],
    ['node.id', String(c.brokerId), INT],
    ['listeners', listener, STRING],
    ['advertised.listeners', listener, STRING],
    ['log.dirs', c.dataDir, STRING],
    ['auto.create.topics.enable', String(c.autoCreateTopics), BOOLEAN],
    ['num.partitions', String(c.defaultPartitions), INT],
    ['default.replication.factor', '1', INT],
    ['min.insync.replicas', '1', INT],
    ['offsets.topic.replication.factor', '1', INT],
    ['transaction.state.log.replication.factor', '1', INT],
    ['delete.topic.enable', 'true', BOOLEAN],
    ['compression.type', 'producer', STRING],
    ['log.retention.ms', String(d.retentionMs), LONG],
    ['log.retention.bytes', String(d.retentionBytes), LONG],
    ['log.segment.bytes', String(d.segmentBytes), INT],
    ['log.roll.ms', String(d.segmentMs), LONG],
    ['log.index.interval.bytes', String(d.indexIntervalBytes), INT],
    ['log.cleanup.policy', 'delete', LIST],
    ['message.max.bytes', String(d.maxMessageBytes), INT],
    ['socket.request.max.bytes', String(c.maxRequestBytes), INT],
    ['group.initial.rebalance.delay.ms', String(c.groupInitialRebalanceDelayMs), INT],
    ['group.min.session.timeout.ms', String(c.groupMinSessionTimeoutMs), INT],
    ['group.max.session.timeout.ms', String(c.groupMaxSessionTimeoutMs), INT],
  ];
  return rows.map(([name, value, type]) => ({ name, value, readOnly: true, source: 'broker', type }));
}
