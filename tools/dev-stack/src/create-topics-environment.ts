import { hostPortList, int } from '@tessera/config';

/** The variables the create-topics one-shot reads (docker-compose `create-topics`, the k8s Job). */
export const CREATE_TOPICS_ENVIRONMENT = {
  KAFKA_BROKERS: hostPortList({ desc: 'comma-separated Kafka bootstrap brokers' }),
  TOPIC_REPLICATION_FACTOR: int(1, 16)({ default: 1, desc: 'replicas per partition; 3 on a production cluster' }),
};
