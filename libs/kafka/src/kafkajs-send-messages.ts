/* eslint-disable @typescript-eslint/no-explicit-any -- kafkajs's untyped internals (cluster, eosManager, broker) */

/** What kafkajs's own sendMessages module takes from its siblings; passed in so tests can drive it. */
export interface SendMessagesDeps {
  KafkaJSMetadataNotLoaded: new (message: string) => Error;
  staleMetadata: (error: unknown) => boolean;
  createTopicData: (
    input: Array<{ topic: string; partitions: number[]; messagesPerPartition: Record<string, unknown[]> }>,
  ) => Array<{ topic: string; partitions: Array<{ partition: number; messages: unknown[]; firstSequence?: number }> }>;
  responseSerializer: (response: any) => Array<{ topicName: string; partition: number }>;
}

interface GroupInput {
  topic: string;
  partitionMetadata: unknown[];
  messages: unknown[];
  partitioner: (args: { topic: string; partitionMetadata: unknown[]; message: unknown }) => number;
}

/**
 * kafkajs's groupMessagesPerPartition, with the same calls in the same order and the same result, but appending in
 * place: kafkajs copies a partition's whole array for every message, which is quadratic in the batch size.
 */
export function groupMessagesPerPartition({ topic, partitionMetadata, messages, partitioner }: GroupInput): Record<string, unknown[]> {
  const result: Record<string, unknown[]> = {};
  if (partitionMetadata.length === 0) return result;
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    if (Object.prototype.hasOwnProperty.call(result, partition)) result[partition].push(message);
    else result[partition] = [message];
  }
  return result;
}

interface SendArgs {
  acks: number;
  timeout: number;
  compression: number;
  topicMessages: Array<{ topic: string; messages: unknown[] }>;
}

/**
 * kafkajs 2.2.4's producer/sendMessages, with one fix: a retry resends every partition the brokers have not
 * acknowledged yet. kafkajs remembers the answer per broker instead, and on a retry skips every broker that
 * answered before; when a leader dies, its partitions move to a broker that had already answered, so they are
 * never resent, and the send resolves as if they were written. On a 3-broker Apache Kafka, kill -9 of a leader
 * lost acknowledged messages that way (the gateway's 200s and the outbox relays' deletes): see
 * tools/dev-stack/src/scenarios/failover/broker-failover.apache.int.spec.ts.
 * Also: each partition's messages are grouped once, on the first attempt, so a retry never moves a keyless
 * message to another partition; and every broker's request settles before a retry, so an answer arriving late
 * can never race the resend of the same partition.
 */
export function createSendMessages(deps: SendMessagesDeps) {
  return ({
      logger,
      cluster,
      partitioner,
      eosManager,
      retrier,
    }: {
      logger: any;
      cluster: any;
      partitioner: unknown;
      eosManager: any;
      retrier: any;
    }) =>
    async ({ acks, timeout, compression, topicMessages }: SendArgs) => {
      /** `topic/partition` -> the broker's answer for it. */
      const acknowledged = new Map<string, { topicName: string; partition: number }>();
      /** topic -> its messages per partition, fixed by the first attempt that had metadata. */
      const planned = new Map<string, Record<string, unknown[]>>();

      const sendPending = async (): Promise<void> => {
        await cluster.refreshMetadataIfNecessary();
        const perLeader = new Map<
          number,
          Array<{ topic: string; partitions: number[]; messagesPerPartition: Record<string, unknown[]> }>
        >();
        for (const { topic, messages } of topicMessages) {
          let messagesPerPartition = planned.get(topic);
          if (!messagesPerPartition) {
            const partitionMetadata = cluster.findTopicPartitionMetadata(topic);
            if (partitionMetadata.length === 0) throw new deps.KafkaJSMetadataNotLoaded('Producing to topic without metadata');
            messagesPerPartition = groupMessagesPerPartition({
              topic,
              partitionMetadata,
              messages,
              partitioner: partitioner as GroupInput['partitioner'],
            });
            planned.set(topic, messagesPerPartition);
          }
          const pending = Object.keys(messagesPerPartition).filter((p) => !acknowledged.has(`${topic}/${p}`));
          const partitionsPerLeader: Record<string, number[]> = cluster.findLeaderForPartitions(topic, pending);
          for (const [leader, partitions] of Object.entries(partitionsPerLeader)) {
            const list = perLeader.get(Number(leader)) ?? [];
            list.push({ topic, partitions, messagesPerPartition });
            perLeader.set(Number(leader), list);
          }
        }
        const results = await Promise.allSettled(
          [...perLeader].map(([nodeId, topicDataForBroker]) => produceTo(nodeId, deps.createTopicData(topicDataForBroker))),
        );
        const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw failed.reason;
        // kafkajs's leader lookup silently leaves out a partition it has no metadata for: never resolve without it
        const unsent = [...planned].flatMap(([topic, perPartition]) =>
          Object.keys(perPartition)
            .filter((p) => !acknowledged.has(`${topic}/${p}`))
            .map((p) => `${topic}/${p}`),
        );
        if (unsent.length > 0) throw new deps.KafkaJSMetadataNotLoaded(`no leader known for ${unsent.join(', ')}`);
      };

      const produceTo = async (nodeId: number, topicData: ReturnType<SendMessagesDeps['createTopicData']>): Promise<void> => {
        const broker = await cluster.findBroker({ nodeId });
        await eosManager.acquireBrokerLock(broker);
        try {
          if (eosManager.isTransactional()) await eosManager.addPartitionsToTransaction(topicData);
          for (const { topic, partitions } of topicData) {
            for (const entry of partitions) {
              entry.firstSequence = eosManager.getSequence(topic, entry.partition);
              eosManager.updateSequence(topic, entry.partition, entry.messages.length);
            }
          }
          let response: unknown;
          try {
            response = await broker.produce({
              transactionalId: eosManager.isTransactional() ? eosManager.getTransactionalId() : undefined,
              producerId: eosManager.getProducerId(),
              producerEpoch: eosManager.getProducerEpoch(),
              acks,
              timeout,
              compression,
              topicData,
            });
          } catch (error) {
            // not written (or written and then deduplicated by its sequence on the resend)
            for (const { topic, partitions } of topicData)
              for (const entry of partitions) eosManager.updateSequence(topic, entry.partition, -entry.messages.length);
            throw error;
          }
          if (acks === 0) {
            for (const { topic, partitions } of topicData)
              for (const entry of partitions)
                acknowledged.set(`${topic}/${entry.partition}`, { topicName: topic, partition: entry.partition });
          } else {
            for (const answer of deps.responseSerializer(response)) acknowledged.set(`${answer.topicName}/${answer.partition}`, answer);
          }
        } finally {
          await eosManager.releaseBrokerLock(broker);
        }
      };

      return retrier(async (bail: (error: Error) => void, retryCount: number, retryTime: number) => {
        await cluster.addMultipleTargetTopics(topicMessages.map(({ topic }) => topic));
        try {
          await sendPending();
          return acks === 0 ? [] : [...acknowledged.values()];
        } catch (e) {
          const error = e as Error & { retriable?: boolean; host?: string; port?: number };
          // from here on, kafkajs's own handling of a failed attempt
          if (error.name === 'KafkaJSConnectionClosedError') cluster.removeBroker({ host: error.host, port: error.port });
          if (!cluster.isConnected()) {
            logger.debug(`Cluster has disconnected, reconnecting: ${error.message}`, { retryCount, retryTime });
            await cluster.connect();
            await cluster.refreshMetadata();
            throw error;
          }
          if (
            deps.staleMetadata(error) ||
            error.name === 'KafkaJSMetadataNotLoaded' ||
            error.name === 'KafkaJSConnectionError' ||
            error.name === 'KafkaJSConnectionClosedError' ||
            (error.name === 'KafkaJSProtocolError' && error.retriable)
          ) {
            logger.error(`Failed to send messages: ${error.message}`, { retryCount, retryTime });
            await cluster.refreshMetadata();
            throw error;
          }
          logger.error(`${error.message}`, { retryCount, retryTime });
          if (error.retriable) throw error;
          bail(error);
        }
      });
    };
}
