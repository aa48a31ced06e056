import { logLevel, type logCreator } from 'kafkajs';
import type { Logger } from 'pino';

const IDEMPOTENT_RETRY_WARNING = 'Limiting retries for the idempotent producer may invalidate EoS guarantees';

// kafkajs' own table of broker error codes; only its public errors are exported, not which ones are retriable.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { errorCodes } = require('kafkajs/src/protocol/error') as { errorCodes: { message: string; retriable: boolean }[] };
const RETRIABLE_BROKER_ERRORS = new Set(errorCodes.filter((e) => e.retriable).map((e) => e.message));

/**
 * kafkajs logs every error response at error level, then retries it. A retriable one (the group coordinator still
 * loading on a fresh Apache Kafka, a leader moving during a failover) is routine, not an error: it is logged at info.
 * If the retries run out, the caller's failure is logged as an error where it surfaces.
 */
function isRetriedResponse(namespace: string, fields: Record<string, unknown>): boolean {
  return namespace === 'Connection' && typeof fields.error === 'string' && RETRIABLE_BROKER_ERRORS.has(fields.error);
}

const PINO_LEVELS: Partial<Record<logLevel, 'error' | 'warn' | 'info' | 'debug'>> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
};

/** Routes kafkajs' own log lines into the service's pino logger, keeping kafkajs' structured fields. */
export function pinoLogCreator(logger: Logger): logCreator {
  const child = logger.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log }) => {
      const {
        message,
        timestamp: _timestamp,
        logger: _logger,
        ...fields
      } = log as { message: string; timestamp?: string; logger?: string };
      // Expected and safe here: BatchingProducer bounds its retries on purpose, and validation drops a resent event by its (source, messageId).
      let method = message === IDEMPOTENT_RETRY_WARNING ? 'debug' : (PINO_LEVELS[level] ?? 'debug');
      if (method === 'error' && isRetriedResponse(namespace, fields)) method = 'info';
      child[method]({ namespace, ...fields }, message);
    };
}
