import type { ConfigProblem } from '../destination';

export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

export interface KafkaTopicConfig {
  brokers: string[];
  topic: string;
  /** avro: single-object encoded DeliveryRecord (see delivery-record-schema.ts); json: one JSON object per message. */
  format: 'avro' | 'json';
  clientId?: string;
  /** TLS to the brokers (implied when an sslCa/sslCert secret is set). */
  ssl?: boolean;
  saslMechanism?: SaslMechanism;
  /** Per-attempt limit. Default 30 s. */
  timeoutMs?: number;
  /** Messages per produce. Default 500. */
  batchSize?: number;
}

export interface KafkaTopicSecrets {
  saslUsername?: string;
  saslPassword?: string;
  /** PEM. */
  sslCa?: string;
  sslCert?: string;
  sslKey?: string;
}

export const KAFKA_DEFAULTS = { timeoutMs: 30_000, batchSize: 500, maxBatchSize: 10_000 } as const;

export const kafkaTopicConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['brokers', 'topic', 'format'],
  properties: {
    brokers: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^[^\\s:/]+:\\d{1,5}$' } },
    // Kafka's legal topic names
    topic: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,249}$' },
    format: { type: 'string', enum: ['avro', 'json'] },
    clientId: { type: 'string', minLength: 1, maxLength: 200 },
    ssl: { type: 'boolean' },
    saslMechanism: { type: 'string', enum: ['plain', 'scram-sha-256', 'scram-sha-512'] },
    timeoutMs: { type: 'integer', minimum: 1_000, maximum: 300_000 },
    batchSize: { type: 'integer', minimum: 1, maximum: KAFKA_DEFAULTS.maxBatchSize },
  },
} as const;

export const kafkaTopicSecretsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    saslUsername: { type: 'string', minLength: 1 },
    saslPassword: { type: 'string', minLength: 1 },
    sslCa: { type: 'string', pattern: '-----BEGIN ' },
    sslCert: { type: 'string', pattern: '-----BEGIN ' },
    sslKey: { type: 'string', pattern: '-----BEGIN ' },
  },
} as const;

export function kafkaTopicExtraProblems(config: KafkaTopicConfig, secrets: KafkaTopicSecrets): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (config.saslMechanism) {
    if (!secrets.saslUsername)
      problems.push({ path: '/secrets/saslUsername', message: `is required with saslMechanism ${config.saslMechanism}` });
    if (!secrets.saslPassword)
      problems.push({ path: '/secrets/saslPassword', message: `is required with saslMechanism ${config.saslMechanism}` });
  } else if (secrets.saslUsername || secrets.saslPassword) {
    problems.push({ path: '/config/saslMechanism', message: 'is required when SASL credentials are given' });
  }
  if (Boolean(secrets.sslCert) !== Boolean(secrets.sslKey)) {
    problems.push({
      path: secrets.sslCert ? '/secrets/sslKey' : '/secrets/sslCert',
      message: 'a client certificate needs both sslCert and sslKey',
    });
  }
  return problems;
}
