import type { Logger as TypeormLogger } from 'typeorm';

/** The part of a pino logger this adapter needs; keeps persistence free of a logging dependency. */
export interface StructuredLogSink {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

/**
 * TypeORM logs through this into the service's structured logger. Query parameters are never logged: they
 * carry customer data (emails, phone numbers). Successful queries are not logged at all; slow ones are.
 */
export class TypeormLogAdapter implements TypeormLogger {
  constructor(
    private readonly sink: StructuredLogSink,
    private readonly schema: string,
  ) {}

  logQuery(): void {
    // Every statement at any level would swamp the logs; slow and failed ones are reported below.
  }

  logQueryError(error: string | Error, query: string): void {
    this.sink.warn({ schema: this.schema, query: truncate(query), err: error }, 'query failed');
  }

  logQuerySlow(timeMs: number, query: string): void {
    this.sink.warn({ schema: this.schema, query: truncate(query), durationMs: timeMs }, 'slow query');
  }

  logSchemaBuild(message: string): void {
    // With synchronize off, TypeORM uses this channel for migration progress; which migration ran belongs in
    // the start-up log, the counting chatter does not.
    if (/executed successfully/.test(message)) this.sink.info({ schema: this.schema }, message);
    else this.sink.debug({ schema: this.schema }, message);
  }

  logMigration(message: string): void {
    // TypeORM reports a failed migration through this same channel; it must not look like progress.
    if (/\bfailed\b/i.test(message)) this.sink.error({ schema: this.schema }, message);
    else this.sink.info({ schema: this.schema }, message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    // TypeORM says which migrations ran at 'info'; worth keeping in a service's start-up log.
    if (level === 'warn') this.sink.warn({ schema: this.schema }, text);
    else if (level === 'info') this.sink.info({ schema: this.schema }, text);
    else this.sink.debug({ schema: this.schema }, text);
  }
}

function truncate(query: string): string {
  return query.length > 2000 ? `${query.slice(0, 2000)}...` : query;
}
