import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PublicRoute } from '../auth/public-route.decorator';
import { ResolvedServiceKitOptions, SERVICE_KIT_OPTIONS } from '../service-kit-options';
import { ReadinessRegistry } from './readiness-registry';

@ApiTags('operations')
@PublicRoute()
@Controller()
export class HealthController {
  constructor(
    private readonly readiness: ReadinessRegistry,
    @Inject(SERVICE_KIT_OPTIONS) private readonly options: ResolvedServiceKitOptions,
  ) {}

  /** Liveness: the process is up and its event loop answers. Never checks dependencies, so a broken database does not restart every pod. */
  @Get('healthz')
  @ApiOkResponse({ description: 'The process is alive' })
  healthz(): { status: 'ok'; service: string; uptimeSeconds: number } {
    return { status: 'ok', service: this.options.name, uptimeSeconds: Math.round(process.uptime()) };
  }

  /**
   * Readiness: every required check passes and shutdown has not begun; otherwise 503 listing the failing checks.
   * Failing optional checks are listed under `degraded` with a 200.
   */
  @Get('readyz')
  @ApiOkResponse({ description: 'Every readiness check passed' })
  @ApiServiceUnavailableResponse({ description: 'A check failed or the service is shutting down; the body lists each check' })
  async readyz(@Res({ passthrough: true }) reply: FastifyReply): Promise<object> {
    const report = await this.readiness.evaluate();
    const failing = Object.entries(report.checks)
      .filter(([, r]) => !r.ok && r.required !== false)
      .map(([name]) => name);
    if (report.status !== 'ready') reply.status(503);
    return { service: this.options.name, ...report, failing };
  }
}
