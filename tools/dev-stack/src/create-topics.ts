import { ConfigValidationError, validateEnvironment } from '@tessera/config';
import { TOPIC_SPECS } from '@tessera/contracts';
import { createKafkaClient, ensureTopics } from '@tessera/kafka';
import { CREATE_TOPICS_ENVIRONMENT } from './create-topics-environment';

/**
 * One-shot topic creation for a real Kafka (docker-compose `create-topics`, the k8s Job): every topic of
 * the contracts catalog with its partition count. Idempotent, so it may run on every deploy.
 */
async function main(): Promise<void> {
  const env = validateEnvironment(CREATE_TOPICS_ENVIRONMENT);
  const kafka = createKafkaClient({ clientId: 'tessera-create-topics', brokers: env.KAFKA_BROKERS });
  const result = await ensureTopics(kafka, TOPIC_SPECS, {
    replicationFactor: env.TOPIC_REPLICATION_FACTOR,
    minInsyncReplicas: env.TOPIC_MIN_INSYNC_REPLICAS > 0 ? env.TOPIC_MIN_INSYNC_REPLICAS : undefined,
  });
  process.stdout.write(`topics created: ${result.created.join(', ') || 'none'}; already there: ${result.existing.join(', ') || 'none'}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigValidationError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
