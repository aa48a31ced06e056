import { DynamicModule, ForwardReference, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AddressInfo } from 'node:net';
import { ReadinessRegistry } from './health/readiness-registry';
import { installRequestLogging } from './logging/request-logging';
import { PinoNestLogger } from './logging/pino-nest-logger';
import { createHttpRequestHistogram } from './metrics/http-metrics';
import { HttpServerHardening } from './http/http-server-hardening';
import { mountOpenApi } from './openapi/openapi-document';
import { resolveServiceKitOptions } from './resolve-service-kit-options';
import { ServiceKitModule } from './service-kit.module';
import type { ResolvedServiceKitOptions, ServiceKitOptions } from './service-kit-options';
import { installConnectionDraining } from './shutdown/connection-draining';
import { installGracefulShutdown } from './shutdown/graceful-shutdown';

export type ServiceAppModule = Type<unknown> | DynamicModule | ForwardReference;

export interface RunningService {
  app: NestFastifyApplication;
  /** Base URL on loopback, e.g. http://127.0.0.1:8080 (the real port when 0 was asked for). */
  url: string;
  port: number;
  options: ResolvedServiceKitOptions;
  /** Same sequence as SIGTERM (readiness 503, consumers stop, HTTP drains, DB closes) without exiting the process. */
  close(): Promise<void>;
}

@Module({})
class ServiceRootModule {}

/**
 * Creates and starts a service: NestJS on Fastify with the shared operational surface
 * (/healthz, /readyz, /metrics, /openapi.json, JSON errors, admin guard, request logs, graceful shutdown)
 * around the service's own AppModule.
 */
export async function bootstrapService(appModule: ServiceAppModule, input: ServiceKitOptions): Promise<RunningService> {
  const options = resolveServiceKitOptions(input);
  const { logger } = options;
  const root: DynamicModule = { module: ServiceRootModule, imports: [ServiceKitModule.forRoot(options), appModule] };
  const hardening = new HttpServerHardening(options.httpTimeouts);
  const adapter = new FastifyAdapter({ logger: false, trustProxy: true, ...hardening.fastifyOptions() });
  const app = await NestFactory.create<NestFastifyApplication>(root, adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  const readiness = app.get(ReadinessRegistry);
  hardening.install(app);
  installRequestLogging(app, logger, createHttpRequestHistogram(options.name, options.registry));
  installConnectionDraining(app, readiness);
  mountOpenApi(app, options);
  if (options.handleSignals) installGracefulShutdown(app, readiness, logger, options.shutdownTimeoutMs);

  await app.listen({ port: options.port, host: options.host });
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  logger.info({ port, host: options.host }, 'service listening');

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      readiness.markShuttingDown();
      await app.close();
    })();
    return closing;
  };
  return { app, url, port, options, close };
}
