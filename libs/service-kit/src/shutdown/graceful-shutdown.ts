import type { INestApplication } from '@nestjs/common';
import type { Logger } from '@tessera/observability';
import type { ReadinessRegistry } from '../health/readiness-registry';

export const SHUTDOWN_SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * SIGTERM/SIGINT: readiness turns 503 at once (this listener runs before Nest's), then Nest's shutdown
 * hooks run in their fixed order: onModuleDestroy / beforeApplicationShutdown (Kafka consumers stop),
 * HTTP server close (in-flight requests drain), onApplicationShutdown (database pools close).
 * A watchdog bounds the whole sequence so a stuck dependency cannot keep the pod alive forever.
 */
export function installGracefulShutdown(app: INestApplication, readiness: ReadinessRegistry, logger: Logger, timeoutMs: number): void {
  const onSignal = (signal: NodeJS.Signals) => {
    readiness.markShuttingDown();
    logger.info({ signal, timeoutMs }, 'shutdown started: readiness now 503, draining');
    const watchdog = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, timeoutMs);
    watchdog.unref();
  };
  for (const signal of SHUTDOWN_SIGNALS) process.once(signal, onSignal);
  // useProcessExit: exit 0 after a clean shutdown instead of re-raising the signal, so supervisors see success.
  app.enableShutdownHooks(SHUTDOWN_SIGNALS, { useProcessExit: true });
}
