import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

/**
 * Who may call a route. Every route is `token` unless marked otherwise, so a route nobody thought about is
 * protected: `token` takes the admin token, or the read token on GET and HEAD; `admin` takes the admin token only;
 * `public` takes none (probes, metrics, and ingest, which authenticates by write key).
 */
export type RouteAccess = 'public' | 'token' | 'admin';

export const DEFAULT_ROUTE_ACCESS: RouteAccess = 'token';
export const ROUTE_ACCESS_METADATA = 'tessera:route-access';
/** Carries the access level into the OpenAPI document, where openapi-security.ts turns it into `security`. */
export const ROUTE_ACCESS_EXTENSION = 'x-tessera-access';

/** The methods the read token may call: they change nothing. */
export const READ_ONLY_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

export function RouteAccessLevel(access: RouteAccess): ClassDecorator & MethodDecorator {
  return applyDecorators(SetMetadata(ROUTE_ACCESS_METADATA, access), ApiExtension(ROUTE_ACCESS_EXTENSION, access));
}
