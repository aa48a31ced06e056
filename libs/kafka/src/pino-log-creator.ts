import { logLevel, type logCreator } from 'kafkajs';
import type { Logger } from 'pino';

const IDEMPOTENT_RETRY_WARNING = 'Limiting retries for the idempotent producer may invalidate EoS guarantees';

/** Routes kafkajs' own log lines into the service's pino logger, keeping kafkajs' structured fields. */
export function pinoLogCreator(logger: Logger): logCreator {
  const child = logger.child({ component: 'kafkajs' });
  return () => ({ namespace, level, log }) => {
    const { message, timestamp: _timestamp, logger: _logger, ...fields } = log as { message: string; timestamp?: string; logger?: string };
    const obj = { namespace, ...fields };
    // Expected and safe here: BatchingProducer bounds its retries on purpose, and consumers dedupe on message id.
    if (message === IDEMPOTENT_RETRY_WARNING) {
      child.debug(obj, message);
      return;
    }
    switch (level) {
      case logLevel.ERROR:
        child.error(obj, message);
        break;
      case logLevel.WARN:
        child.warn(obj, message);
        break;
      case logLevel.INFO:
        child.info(obj, message);
        break;
      default:
        child.debug(obj, message);
    }
  };
}
