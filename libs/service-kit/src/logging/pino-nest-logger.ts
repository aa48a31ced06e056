import type { LoggerService } from '@nestjs/common';
import type { Logger } from '@tessera/observability';

/** Routes Nest's own framework messages (module init, route mapping, errors) into the service's pino logger. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...optional: unknown[]): void {
    this.logger.debug({ context: contextOf(optional) }, String(message));
  }

  error(message: unknown, ...optional: unknown[]): void {
    const [trace] = optional;
    this.logger.error({ context: contextOf(optional), trace: typeof trace === 'string' ? trace : undefined }, String(message));
  }

  warn(message: unknown, ...optional: unknown[]): void {
    this.logger.warn({ context: contextOf(optional) }, String(message));
  }

  debug(message: unknown, ...optional: unknown[]): void {
    this.logger.debug({ context: contextOf(optional) }, String(message));
  }

  verbose(message: unknown, ...optional: unknown[]): void {
    this.logger.trace({ context: contextOf(optional) }, String(message));
  }
}

/** Nest passes the context (class name) as the last extra argument. */
function contextOf(optional: unknown[]): string | undefined {
  const last = optional[optional.length - 1];
  return typeof last === 'string' ? last : undefined;
}
