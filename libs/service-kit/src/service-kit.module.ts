import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ApiTokenGuard } from './auth/api-token.guard';
import { JsonExceptionFilter } from './errors/json-exception.filter';
import { HealthController } from './health/health.controller';
import { ReadinessRegistry } from './health/readiness-registry';
import { MetricsController } from './metrics/metrics.controller';
import { METRICS_REGISTRY, ResolvedServiceKitOptions, SERVICE_CONFIG, SERVICE_KIT_OPTIONS, SERVICE_LOGGER } from './service-kit-options';

/**
 * The operational surface every service shares: probes, metrics, JSON errors, the API token guard (global: every
 * route needs a token unless marked @PublicRoute()).
 * Global, so feature modules inject ReadinessRegistry, the logger and the registry without importing it.
 */
@Module({})
export class ServiceKitModule {
  static forRoot(options: ResolvedServiceKitOptions): DynamicModule {
    return {
      module: ServiceKitModule,
      global: true,
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: SERVICE_KIT_OPTIONS, useValue: options },
        { provide: SERVICE_CONFIG, useValue: options.config },
        { provide: SERVICE_LOGGER, useValue: options.logger },
        { provide: METRICS_REGISTRY, useValue: options.registry },
        { provide: ReadinessRegistry, useValue: new ReadinessRegistry() },
        { provide: APP_GUARD, useClass: ApiTokenGuard },
        { provide: APP_FILTER, useClass: JsonExceptionFilter },
      ],
      exports: [SERVICE_KIT_OPTIONS, SERVICE_CONFIG, SERVICE_LOGGER, METRICS_REGISTRY, ReadinessRegistry],
    };
  }
}
