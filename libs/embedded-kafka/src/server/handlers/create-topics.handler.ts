import { ErrorCode } from '../../protocol';
import { InvalidTopicError, TopicExistsError, validateTopicConfigs } from '../../storage';
import type { BrokerContext } from '../broker-context';
import type { RequestHandler } from '../request-handler';

interface CreatableTopic {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  assignments: Array<{ partitionIndex: number; brokerIds: number[] }>;
  configs: Array<{ name: string; value: string | null }>;
}

const ZERO_UUID = Buffer.alloc(16);
/** ConfigSource values of DescribeConfigs/CreateTopics. */
const DYNAMIC_TOPIC_CONFIG = 1;
const DEFAULT_CONFIG = 5;

/** CreateTopics on a single broker: replication factor -1 or 1 only, manual assignments only onto this broker. */
export const handleCreateTopics: RequestHandler = (ctx, { body }) => {
  const topics: CreatableTopic[] = body.topics;
  const seen = new Map<string, number>();
  for (const t of topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
  return {
    throttleTimeMs: 0,
    topics: topics.map((t) =>
      (seen.get(t.name) ?? 0) > 1
        ? failure(t.name, ErrorCode.INVALID_REQUEST, 'Create topics request from client contains multiple entries for the same topic.')
        : createOne(ctx, t, body.validateOnly === true),
    ),
  };
};

function createOne(ctx: BrokerContext, t: CreatableTopic, validateOnly: boolean) {
  const { brokerId, defaultPartitions } = ctx.config;
  if (ctx.store.getTopic(t.name)) return failure(t.name, ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${t.name}' already exists.`);
  let partitions = t.numPartitions === -1 ? defaultPartitions : t.numPartitions;
  if (t.assignments.length > 0) {
    if (t.numPartitions !== -1 || t.replicationFactor !== -1) {
      return failure(
        t.name,
        ErrorCode.INVALID_REQUEST,
        'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.',
      );
    }
    const valid = t.assignments.every((a, i) => a.partitionIndex === i && a.brokerIds.length === 1 && a.brokerIds[0] === brokerId);
    if (!valid)
      return failure(
        t.name,
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `Replica assignments must place each partition on broker ${brokerId} only.`,
      );
    partitions = t.assignments.length;
  } else if (t.replicationFactor !== -1 && t.replicationFactor !== 1) {
    return failure(
      t.name,
      ErrorCode.INVALID_REPLICATION_FACTOR,
      `Replication factor: ${t.replicationFactor} larger than available brokers: 1.`,
    );
  }
  if (!Number.isInteger(partitions) || partitions <= 0) {
    return failure(t.name, ErrorCode.INVALID_PARTITIONS, `Number of partitions must be larger than 0.`);
  }
  const configs: Record<string, string> = {};
  for (const c of t.configs) if (c.value !== null) configs[c.name] = c.value;
  const configProblem = validateTopicConfigs(configs);
  if (configProblem) return failure(t.name, ErrorCode.INVALID_CONFIG, configProblem);
  if (validateOnly) return success(ctx, t.name, ZERO_UUID, partitions, configs);
  try {
    const created = ctx.store.createTopic(t.name, partitions, configs);
    ctx.logger.info({ topic: t.name, partitions }, 'created topic');
    return success(ctx, t.name, created.topicId, partitions, configs);
  } catch (error) {
    if (error instanceof TopicExistsError || error instanceof InvalidTopicError) return failure(t.name, error.errorCode, error.message);
    throw error;
  }
}

function success(ctx: BrokerContext, name: string, topicId: Buffer, numPartitions: number, overrides: Record<string, string>) {
  const described = ctx.store.describeTopicConfigs(name);
  const entries = described ?? Object.entries(overrides).map(([n, value]) => ({ name: n, value, isDefault: false }));
  return {
    name,
    topicId,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    numPartitions,
    replicationFactor: 1,
    configs: entries.map((e) => ({
      name: e.name,
      value: e.value,
      readOnly: false,
      configSource: e.isDefault ? DEFAULT_CONFIG : DYNAMIC_TOPIC_CONFIG,
      isSensitive: false,
    })),
  };
}

function failure(name: string, errorCode: number, errorMessage: string) {
  return { name, topicId: ZERO_UUID, errorCode, errorMessage, numPartitions: -1, replicationFactor: -1, configs: null };
}
