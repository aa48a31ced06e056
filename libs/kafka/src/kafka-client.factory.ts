import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import pino, { type Logger } from 'pino';
import { pinoLogCreator } from './pino-log-creator';

export interface KafkaClientOptions {
  clientId: string;
  brokers: string[];
  logger?: Logger;
  ssl?: KafkaConfig['ssl'];
  sasl?: KafkaConfig['sasl'];
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  retry?: KafkaConfig['retry'];
}

/**
 * One kafkajs client per process. Retries back off up to 30 s and give up after ~2 minutes, long enough to
 * ride out a broker restart, short enough that a misconfigured broker list surfaces as a crash, not a hang.
 */
export function createKafkaClient(opts: KafkaClientOptions): Kafka {
  return new Kafka({
    clientId: opts.clientId,
    brokers: opts.brokers,
    ssl: opts.ssl,
    sasl: opts.sasl,
    connectionTimeout: opts.connectionTimeoutMs ?? 5_000,
    requestTimeout: opts.requestTimeoutMs ?? 30_000,
    retry: opts.retry ?? { initialRetryTime: 300, maxRetryTime: 30_000, retries: 8, factor: 0.2, multiplier: 2 },
    logLevel: opts.logger ? logLevel.INFO : logLevel.WARN,
    logCreator: pinoLogCreator(opts.logger ?? pino({ name: opts.clientId, level: 'warn' })),
  });
}
