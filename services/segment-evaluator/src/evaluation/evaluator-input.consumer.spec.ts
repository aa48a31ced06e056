import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { topicSpec, Topics, type TopicName } from '@tessera/contracts';
import { fastDefaultPartitioner } from '@tessera/kafka';
import { KAFKA_BATCH_CONSUMER, type KafkaBatchConsumerOptions } from '@tessera/kafka-nest';
import { EvaluatorInputConsumer } from './evaluator-input.consumer';

/** The partition the services' producers pick for a key (kafkajs's default murmur2 partitioning). */
function partitionOf(topic: TopicName, key: string): number {
  const partitionMetadata = Array.from({ length: topicSpec(topic).partitions }, (_, partitionId) => ({ partitionId, leader: 0 }));
  return fastDefaultPartitioner()({ topic, partitionMetadata, message: { key } });
}

describe('EvaluatorInputConsumer key classes', () => {
  it("puts a profile's profile-change and resolved-event slices in one class, so one group transaction at a time takes them", () => {
    const declared = Reflect.getMetadata(KAFKA_BATCH_CONSUMER, EvaluatorInputConsumer) as KafkaBatchConsumerOptions;
    const classes = declared.groupCommitKeyClasses!;
    expect(classes).toBeGreaterThan(1);
    for (let i = 0; i < 1_000; i++) {
      const profileId = randomUUID();
      expect(partitionOf(Topics.EventsResolved, profileId) % classes).toBe(partitionOf(Topics.ProfilesChanged, profileId) % classes);
    }
  });
});
