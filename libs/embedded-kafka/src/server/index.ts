export type { BrokerConfig, BrokerContext } from './broker-context';
export { FetchWaiters } from './fetch-waiters';
export { KafkaServer } from './kafka-server';
export { TopicProvisioner } from './topic-provisioner';
export { loadOrCreateClusterId } from './cluster-identity';
