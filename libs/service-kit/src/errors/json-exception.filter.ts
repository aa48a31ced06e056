import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Inject } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '@tessera/observability';
import { SERVICE_LOGGER } from '../service-kit-options';
import { DEPENDENCY_RETRY_AFTER_SECONDS, isDependencyOutage } from './dependency-outage';
import { ErrorBody, pathWithoutQuery, reasonPhrase } from './error-body';

/**
 * Every HTTP error leaves as the same JSON shape, whether a controller threw an HttpException,
 * Fastify rejected the body, no route matched, a dependency is down (503 + Retry-After), or something crashed
 * (then a 500 without internals).
 */
@Catch()
export class JsonExceptionFilter implements ExceptionFilter {
  constructor(@Inject(SERVICE_LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const body = this.toBody(exception, pathWithoutQuery(request.url));
    if (body.statusCode >= 500) {
      this.logger.error({ err: exception, method: request.method, path: body.path }, 'request failed');
    }
    if (body.statusCode === HttpStatus.SERVICE_UNAVAILABLE && !reply.hasHeader('retry-after')) {
      void reply.header('retry-after', String(DEPENDENCY_RETRY_AFTER_SECONDS));
    }
    void reply.status(body.statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  private toBody(exception: unknown, path: string): ErrorBody {
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      return { statusCode, path, ...describeHttpException(exception.getResponse(), statusCode) };
    }
    const fastifyStatus = fastifyErrorStatus(exception);
    if (fastifyStatus !== undefined) {
      return { statusCode: fastifyStatus, error: reasonPhrase(fastifyStatus), message: (exception as Error).message, path };
    }
    if (isDependencyOutage(exception)) {
      const statusCode = HttpStatus.SERVICE_UNAVAILABLE;
      return {
        statusCode,
        error: reasonPhrase(statusCode),
        message: 'a dependency (database or broker) is unavailable; retry later',
        path,
      };
    }
    const statusCode = HttpStatus.INTERNAL_SERVER_ERROR;
    return { statusCode, error: reasonPhrase(statusCode), message: 'unexpected server error; see the service log', path };
  }
}

function describeHttpException(response: string | object, statusCode: number): Omit<ErrorBody, 'statusCode' | 'path'> {
  const fallbackError = reasonPhrase(statusCode);
  if (typeof response === 'string') return { error: fallbackError, message: response };
  const { message, error, details } = response as { message?: unknown; error?: unknown; details?: unknown };
  const body: Omit<ErrorBody, 'statusCode' | 'path'> = {
    error: typeof error === 'string' ? error : fallbackError,
    message: typeof message === 'string' ? message : fallbackError,
  };
  // class-validator style errors arrive as an array of messages: keep them all as details.
  if (Array.isArray(message)) {
    body.message = message.map(String).join('; ');
    body.details = message;
  }
  if (Array.isArray(details)) body.details = details;
  return body;
}

/** Fastify's own errors (bad JSON, body too large, unsupported media type) carry a 4xx statusCode. */
function fastifyErrorStatus(exception: unknown): number | undefined {
  if (!(exception instanceof Error)) return undefined;
  const statusCode = (exception as Error & { statusCode?: unknown }).statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) return statusCode;
  return undefined;
}
