import type { DestinationKindDefinition } from '../catalog/destination-kind';
import { KafkaTopicAdapter } from './kafka-topic-adapter';
import {
  kafkaTopicConfigSchema,
  kafkaTopicExtraProblems,
  kafkaTopicSecretsSchema,
  type KafkaTopicConfig,
  type KafkaTopicSecrets,
} from './kafka-topic-config';

export const kafkaTopicDestination: DestinationKindDefinition<KafkaTopicConfig, KafkaTopicSecrets> = {
  kind: 'kafka',
  configSchema: kafkaTopicConfigSchema,
  secretsSchema: kafkaTopicSecretsSchema,
  extraProblems: kafkaTopicExtraProblems,
  create: (spec) => new KafkaTopicAdapter(spec.destinationId, spec.config, spec.secrets),
};
