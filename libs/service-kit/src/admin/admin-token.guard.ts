import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ResolvedServiceKitOptions, SERVICE_KIT_OPTIONS } from '../service-kit-options';

/**
 * Admin APIs take `Authorization: Bearer <TESSERA_ADMIN_TOKEN>`. Both sides are hashed before the
 * constant-time compare so neither the token's content nor its length leaks through timing.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expectedDigest: Buffer | undefined;

  constructor(@Inject(SERVICE_KIT_OPTIONS) options: ResolvedServiceKitOptions) {
    this.expectedDigest = options.adminToken ? sha256(options.adminToken) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    reply.header('www-authenticate', 'Bearer realm="tessera-admin"');
    if (!this.expectedDigest) {
      throw new UnauthorizedException('admin API is disabled: TESSERA_ADMIN_TOKEN is not configured');
    }
    const header = request.headers.authorization;
    if (!header) throw new UnauthorizedException('missing Authorization header; expected "Bearer <admin token>"');
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (!match) throw new UnauthorizedException('Authorization header must use the Bearer scheme');
    if (!timingSafeEqual(sha256(match[1]), this.expectedDigest)) {
      throw new UnauthorizedException('invalid admin token');
    }
    return true;
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
