import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { buildRedactPaths, censorSecret } from './secret-redaction';

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
  /** More keys to redact at any depth, on top of SECRET_KEYS. */
  extraSecretKeys?: readonly string[];
}

/**
 * JSON logs to stdout, one object per line, with an ISO time and the level as a word so log pipelines need no
 * pino-specific mapping. Secrets are redacted by key (see secret-redaction.ts); never put secrets in `msg`.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const loggerOptions: LoggerOptions = {
    level: options.level ?? 'info',
    base: { service: options.service, pid: process.pid, ...options.base },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    redact: {
      paths: [...buildRedactPaths(), ...(options.extraSecretKeys ? buildRedactPaths(options.extraSecretKeys) : [])],
      censor: censorSecret,
    },
  };
  return options.destination ? pino(loggerOptions, options.destination) : pino(loggerOptions);
}
