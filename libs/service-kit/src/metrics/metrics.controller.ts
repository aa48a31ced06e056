import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Registry } from 'prom-client';
import { PublicRoute } from '../auth/public-route.decorator';
import { METRICS_REGISTRY } from '../service-kit-options';

/** Public, as Prometheus scrapes it without credentials; it carries counts, never personal data. */
@PublicRoute()
@Controller()
export class MetricsController {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry) {}

  /** Prometheus text exposition of the service's registry (default process metrics included). */
  @Get('metrics')
  @Header('cache-control', 'no-store')
  @ApiExcludeEndpoint()
  async metrics(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    reply.header('content-type', this.registry.contentType);
    return this.registry.metrics();
  }
}
