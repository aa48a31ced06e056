import { EventEmitter } from 'node:events';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { censorSecret, redactSecrets, secretKeyTest, type SecretKeyTest } from './secret-redaction';

export type { Logger } from 'pino';

export interface CreateLoggerOptions {
  /** Service name, put on every line as `service`. */
  service: string;
  /** pino level; defaults to info. */
  level?: string;
  /** Where JSON lines go; stdout when omitted. Tests pass a capturing stream. */
  destination?: DestinationStream;
  /** More fields on every line (e.g. instance id). */
  base?: Record<string, unknown>;
  /** More key names to redact at any depth, on top of the built-in ones (see secret-redaction.ts). */
  extraSecretKeys?: readonly string[];
}

/**
 * JSON logs to stdout, one object per line, with an ISO time and the level as a word so log pipelines need no
 * pino-specific mapping. Secrets are redacted by key at any depth, in the logged object, in child-logger
 * bindings and inside serialized errors. Never put secrets in the message string itself.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const isSecret = secretKeyTest(options.extraSecretKeys);
  // pino's error serializer returns a fresh object with its own prototype, so walk its properties here.
  const serializeError = (error: Error) => redactOwnProperties(pino.stdSerializers.err(error), isSecret);
  const loggerOptions: LoggerOptions = {
    level: options.level ?? 'info',
    base: redactSecrets({ service: options.service, pid: process.pid, ...options.base }, isSecret),
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      bindings: (bindings) => redactSecrets(bindings, isSecret),
      log: (object) => redactSecrets(object, isSecret),
    },
    serializers: { err: serializeError, error: serializeError },
  };
  const logger = options.destination ? pino(loggerOptions, options.destination) : pino(loggerOptions);
  redactChildBindings(logger, isSecret);
  return logger;
}

/**
 * pino skips the bindings formatter for child loggers, so `child()` itself is wrapped; children are created
 * with Object.create(parent), so grandchildren inherit the wrapper.
 */
function redactChildBindings(logger: Logger, isSecret: SecretKeyTest): void {
  const originalChild = logger.child;
  const child = function (this: Logger, bindings: Record<string, unknown>, childOptions?: unknown) {
    return originalChild.call(this, redactSecrets(bindings, isSecret), childOptions as never);
  };
  Object.defineProperty(logger, 'child', { value: child, writable: true, configurable: true });
}

function redactOwnProperties<T>(serialized: T, isSecret: SecretKeyTest): T {
  // kafkajs logs `{ error: 'message' }`: the err serializer hands strings back unchanged, and they have nothing to walk.
  if (typeof serialized !== 'object' || serialized === null) return serialized;
  const record = serialized as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const value = record[key];
    // Libraries hang live connections on their errors (pg-pool's idle error carries `client`, HTTP clients their
    // request or socket): a walk of one logs kilobytes of internals, a backend's cancel key among them.
    if (value instanceof EventEmitter) record[key] = `[${value.constructor.name}]`;
    else record[key] = isSecret(key) ? censorSecret(value) : redactSecrets(value, isSecret);
  }
  return serialized;
}
