export { KafkaModule, type KafkaModuleAsyncOptions } from './kafka.module';
export { KafkaLifecycle } from './kafka-lifecycle.service';
export { KAFKA_CLIENT, KAFKA_MODULE_OPTIONS, type KafkaModuleOptions } from './kafka-module-options';
export {
  KafkaBatchConsumer,
  KAFKA_BATCH_CONSUMER,
  type KafkaBatchApplier,
  type KafkaBatchConsumerOptions,
} from './kafka-batch-consumer.decorator';
