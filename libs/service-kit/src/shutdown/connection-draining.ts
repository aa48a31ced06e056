import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ReadinessRegistry } from '../health/readiness-registry';

/**
 * While shutting down, every response carries `Connection: close`. Otherwise a keep-alive socket that just
 * finished an in-flight request sits idle until the keep-alive timeout and holds the HTTP server open.
 */
export function installConnectionDraining(app: NestFastifyApplication, readiness: ReadinessRegistry): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', (_request, reply, payload, done) => {
      if (readiness.isShuttingDown()) reply.header('connection', 'close');
      done(null, payload);
    });
}
