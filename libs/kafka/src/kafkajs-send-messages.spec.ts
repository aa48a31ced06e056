/* eslint-disable @typescript-eslint/no-require-imports -- kafkajs's untyped internals, the code under comparison */
import { createSendMessages, type SendMessagesDeps } from './kafkajs-send-messages';

const deps: SendMessagesDeps = {
  KafkaJSMetadataNotLoaded: require('kafkajs/src/errors').KafkaJSMetadataNotLoaded,
  staleMetadata: require('kafkajs/src/protocol/error').staleMetadata,
  createTopicData: require('kafkajs/src/producer/createTopicData'),
  responseSerializer: require('kafkajs/src/producer/responseSerializer'),
};
// The published one: jest's setupFiles swap ours in, and a fresh module registry loads the file as kafkajs ships it.
let kafkajsSendMessages: (options: unknown) => (send: unknown) => Promise<Array<{ partition: number }>>;
jest.isolateModules(() => {
  kafkajsSendMessages = require('kafkajs/src/producer/sendMessages');
});

interface Produced {
  broker: number;
  partition: number;
  firstSequence: number;
  values: string[];
}

/**
 * Two brokers; partition 0 led by broker 1, partition 1 by broker 2. Broker 2 dies during the first request
 * (a connection error); the metadata refresh that follows makes broker 1 the leader of both, as a failover does.
 */
function failoverCluster() {
  const leaders: Record<number, number> = { 0: 1, 1: 2 };
  const produced: Produced[] = [];
  let broker2Dead = false;
  const broker = (nodeId: number) => ({
    nodeId,
    async produce({
      topicData,
    }: {
      topicData: Array<{
        topic: string;
        partitions: Array<{ partition: number; firstSequence: number; messages: Array<{ value: string }> }>;
      }>;
    }) {
      if (nodeId === 2) {
        broker2Dead = true;
        throw Object.assign(new Error('Connection error: read ECONNRESET'), { name: 'KafkaJSConnectionError', retriable: true });
      }
      for (const { partitions } of topicData)
        for (const p of partitions)
          produced.push({ broker: nodeId, partition: p.partition, firstSequence: p.firstSequence, values: p.messages.map((m) => m.value) });
      return {
        topics: topicData.map(({ topic, partitions }) => ({
          topicName: topic,
          partitions: partitions.map((p) => ({ partition: p.partition, errorCode: 0, baseOffset: '0' })),
        })),
      };
    },
  });
  const brokers = new Map([1, 2].map((id) => [id, broker(id)]));
  const cluster = {
    async refreshMetadataIfNecessary() {},
    async refreshMetadata() {
      if (broker2Dead) leaders[1] = 1;
    },
    async addMultipleTargetTopics() {},
    findTopicPartitionMetadata: () => [0, 1].map((partitionId) => ({ partitionId, leader: leaders[partitionId] })),
    findLeaderForPartitions: (_topic: string, partitions: string[]) =>
      partitions.reduce<Record<number, number[]>>(
        (result, id) => ({ ...result, [leaders[Number(id)]]: [...(result[leaders[Number(id)]] ?? []), Number(id)] }),
        {},
      ),
    findBroker: async ({ nodeId }: { nodeId: number | string }) => brokers.get(Number(nodeId))!,
    removeBroker() {},
    isConnected: () => true,
    async connect() {},
  };
  const sequences = new Map<number, number>();
  const eosManager = {
    isTransactional: () => false,
    acquireBrokerLock: async () => undefined,
    releaseBrokerLock: async () => undefined,
    getProducerId: () => 7,
    getProducerEpoch: () => 0,
    getSequence: (_topic: string, partition: number) => sequences.get(partition) ?? 0,
    updateSequence: (_topic: string, partition: number, by: number) => sequences.set(partition, (sequences.get(partition) ?? 0) + by),
  };
  const retrier = async (attempt: (bail: (e: Error) => void, retryCount: number, retryTime: number) => Promise<unknown>) => {
    for (let retryCount = 0; ; retryCount++) {
      let bailed: Error | undefined;
      try {
        const result = await attempt((e) => (bailed = e), retryCount, 0);
        if (bailed) throw bailed;
        return result;
      } catch (error) {
        if (bailed || retryCount >= 5) throw bailed ?? error;
      }
    }
  };
  const logger = { debug() {}, error() {} };
  // partition = the message's key, so the grouping is plain
  const partitioner = ({ message }: { message: { key: string } }) => Number(message.key);
  return { produced, options: { logger, cluster, partitioner, eosManager, retrier } };
}

const send = {
  acks: -1,
  timeout: 30_000,
  compression: 0,
  topicMessages: [
    {
      topic: 't',
      messages: [
        { key: '0', value: 'a' },
        { key: '1', value: 'b' },
        { key: '0', value: 'c' },
      ],
    },
  ],
};

describe('sendMessages across a leader failover', () => {
  it('kafkajs 2.2.4: resolves without ever writing the partition whose leader moved to a broker that had answered', async () => {
    const { produced, options } = failoverCluster();
    const answers = await kafkajsSendMessages(options)(send);
    expect(answers.map((a: { partition: number }) => a.partition)).toEqual([0]);
    expect(produced.map((p) => p.values)).toEqual([['a', 'c']]); // 'b' was never written, yet the send resolved
  });

  it('resends every partition not acknowledged yet to its new leader, with its original sequence', async () => {
    const { produced, options } = failoverCluster();
    const answers = await createSendMessages(deps)(options)(send);
    expect(answers.map((a: { partition: number }) => a.partition).sort()).toEqual([0, 1]);
    expect(produced).toEqual([
      { broker: 1, partition: 0, firstSequence: 0, values: ['a', 'c'] },
      { broker: 1, partition: 1, firstSequence: 0, values: ['b'] },
    ]);
  });
});
