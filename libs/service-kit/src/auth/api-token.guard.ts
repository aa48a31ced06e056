import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ResolvedServiceKitOptions, SERVICE_KIT_OPTIONS } from '../service-kit-options';
import { decideAccess, type PresentedCredential } from './access-policy';
import { DEFAULT_ROUTE_ACCESS, ROUTE_ACCESS_METADATA, type RouteAccess } from './route-access';

/**
 * The global guard: every route takes `Authorization: Bearer <admin token>` (or the read token on GET and HEAD)
 * unless it is marked @PublicRoute(). Global rather than per controller, so a new route is protected without
 * anyone remembering to. Tokens are hashed before the constant-time compare, so neither content nor length leaks.
 */
@Injectable()
export class ApiTokenGuard implements CanActivate {
  private readonly adminDigest: Buffer | undefined;
  private readonly readDigest: Buffer | undefined;

  constructor(
    @Inject(SERVICE_KIT_OPTIONS) options: ResolvedServiceKitOptions,
    private readonly reflector: Reflector,
  ) {
    this.adminDigest = options.adminToken ? sha256(options.adminToken) : undefined;
    this.readDigest = options.readToken ? sha256(options.readToken) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const access =
      this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS_METADATA, [context.getHandler(), context.getClass()]) ??
      DEFAULT_ROUTE_ACCESS;
    if (access === 'public') return true;
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const decision = decideAccess({
      access,
      method: request.method,
      presented: this.identify(request.headers.authorization),
      tokensConfigured: this.adminDigest !== undefined || this.readDigest !== undefined,
    });
    if (decision.allow) return true;
    const reply = http.getResponse<FastifyReply>();
    if (decision.status === 401) {
      reply.header('www-authenticate', 'Bearer realm="tessera"');
      throw new UnauthorizedException(decision.message);
    }
    reply.header('www-authenticate', 'Bearer realm="tessera", error="insufficient_scope"');
    throw new ForbiddenException(decision.message);
  }

  private identify(header: string | undefined): PresentedCredential {
    if (!header) return 'none';
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (!match) return 'not-bearer';
    const digest = sha256(match[1]);
    // Both compares always run, so which token matched does not show in the timing either.
    const isAdmin = this.adminDigest !== undefined && timingSafeEqual(digest, this.adminDigest);
    const isRead = this.readDigest !== undefined && timingSafeEqual(digest, this.readDigest);
    if (isAdmin) return 'admin';
    return isRead ? 'read' : 'unknown';
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
