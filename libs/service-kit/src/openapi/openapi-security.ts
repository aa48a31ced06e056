import type { OpenAPIObject } from '@nestjs/swagger';
import { DEFAULT_ROUTE_ACCESS, READ_ONLY_METHODS, ROUTE_ACCESS_EXTENSION, type RouteAccess } from '../auth/route-access';

export const ADMIN_SECURITY_SCHEME = 'admin-token';
export const READ_SECURITY_SCHEME = 'read-token';

const OPERATION_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

interface Operation {
  security?: Array<Record<string, string[]>>;
  responses?: Record<string, unknown>;
  [extension: string]: unknown;
}

/**
 * States on every operation what the API token guard enforces, from the access level the route decorators left
 * in the `x-tessera-access` extension: public operations have `security: []`, others the bearer schemes they take
 * (either token on GET and HEAD, the admin token otherwise) and their 401 and 403 answers.
 */
export function applyRouteSecurity(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const method of OPERATION_METHODS) {
      const operation = (item as Record<string, Operation | undefined>)[method];
      if (!operation) continue;
      const access = (operation[ROUTE_ACCESS_EXTENSION] as RouteAccess | undefined) ?? DEFAULT_ROUTE_ACCESS;
      delete operation[ROUTE_ACCESS_EXTENSION];
      if (access === 'public') {
        operation.security = [];
        continue;
      }
      const readable = access === 'token' && READ_ONLY_METHODS.has(method.toUpperCase());
      operation.security = readable ? [{ [ADMIN_SECURITY_SCHEME]: [] }, { [READ_SECURITY_SCHEME]: [] }] : [{ [ADMIN_SECURITY_SCHEME]: [] }];
      const responses = (operation.responses ??= {});
      responses['401'] ??= { description: 'Missing or invalid bearer token (JSON error body)' };
      if (!readable)
        responses['403'] ??= { description: 'The read token was presented; this operation takes the admin token (JSON error body)' };
    }
  }
  return document;
}
