import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { topicSpec, Topics, type TopicName } from '@tessera/contracts';
import { fastDefaultPartitioner } from '@tessera/kafka';
import { KAFKA_BATCH_CONSUMER, type KafkaBatchConsumerOptions } from '@tessera/kafka-nest';
import { ActivationInputConsumer } from './activation-input.consumer';

/** The partition the services' producers pick for a key (kafkajs's default murmur2 partitioning). */
function partitionOf(topic: TopicName, key: string): number {
  const partitionMetadata = Array.from({ length: topicSpec(topic).partitions }, (_, partitionId) => ({ partitionId, leader: 0 }));
  return fastDefaultPartitioner()({ topic, partitionMetadata, message: { key } });
}

describe('ActivationInputConsumer key classes', () => {
  it("puts a profile's membership, profile and computed slices in one class, so one group transaction at a time takes them", () => {
    const declared = Reflect.getMetadata(KAFKA_BATCH_CONSUMER, ActivationInputConsumer) as KafkaBatchConsumerOptions;
    const classes = declared.groupCommitKeyClasses!;
    expect(classes).toBeGreaterThan(1);
    for (let i = 0; i < 1_000; i++) {
      const profileId = randomUUID();
      const membership = partitionOf(Topics.SegmentsMembership, profileId) % classes;
      expect(partitionOf(Topics.ProfilesChanged, profileId) % classes).toBe(membership);
      expect(partitionOf(Topics.ProfilesComputed, profileId) % classes).toBe(membership);
    }
  });
});
