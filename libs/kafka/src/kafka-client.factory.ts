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
 * One kafkajs client per process. Retries give up after about 90 s, long enough to ride out a broker restart,
 * short enough that a misconfigured broker list surfaces as a crash, not a hang. They back off to at most 5 s:
 * after a broker dies its partitions have new leaders within seconds (Apache Kafka fences it after its 9 s
 * session), and a client sleeping a 30 s backoff step would keep the pipeline standing still long after that.
 */
export function createKafkaClient(opts: KafkaClientOptions): Kafka {
  return new Kafka({
    clientId: opts.clientId,
    brokers: opts.brokers,
    ssl: opts.ssl,
    sasl: opts.sasl,
    connectionTimeout: opts.connectionTimeoutMs ?? 5_000,
    requestTimeout: opts.requestTimeoutMs ?? 30_000,
    retry: opts.retry ?? { initialRetryTime: 300, maxRetryTime: 5_000, retries: 20, factor: 0.2, multiplier: 2 },
    logLevel: opts.logger ? logLevel.INFO : logLevel.WARN,
    logCreator: pinoLogCreator(opts.logger ?? pino({ name: opts.clientId, level: 'warn' })),
  });
}
