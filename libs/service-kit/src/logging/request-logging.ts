import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from '@tessera/observability';
import type { HttpRequestHistogram } from '../metrics/http-metrics';
import { pathWithoutQuery } from '../errors/error-body';

/** Probe and scrape traffic would drown the log at info level, so it is logged at debug. */
const QUIET_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * One log line per request: method, path, route, status, duration. Never headers, bodies or query
 * strings, which carry write keys, admin tokens and personal data.
 */
export function installRequestLogging(app: NestFastifyApplication, logger: Logger, durations: HttpRequestHistogram): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions?.url ?? 'unmatched';
      const status = reply.statusCode;
      const seconds = reply.elapsedTime / 1000;
      durations.observe({ method: request.method, route, status: String(status) }, seconds);
      const entry = {
        reqId: request.id,
        method: request.method,
        path: pathWithoutQuery(request.url),
        route,
        status,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
      };
      if (status >= 500) logger.error(entry, 'request');
      else if (QUIET_ROUTES.has(route)) logger.debug(entry, 'request');
      else logger.info(entry, 'request');
      done();
    });
}
