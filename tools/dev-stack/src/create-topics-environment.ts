import { hostPortList, int } from '@tessera/config';

/** The variables the create-topics one-shot reads (docker-compose `create-topics`, the k8s Job). */
export const CREATE_TOPICS_ENVIRONMENT = {
  KAFKA_BROKERS: hostPortList({ desc: 'comma-separated Kafka bootstrap brokers' }),
  TOPIC_REPLICATION_FACTOR: int(1, 16)({ default: 1, desc: 'replicas per partition; 3 on a production cluster' }),
  TOPIC_MIN_INSYNC_REPLICAS: int(
    0,
    16,
  )({ default: 0, desc: "the topics' min.insync.replicas (2 with 3 replicas); 0 keeps the broker default" }),
};
