export * from './apache-kafka-distribution';
export * from './apache-kafka-cluster';
