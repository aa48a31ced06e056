import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AdminTokenGuard } from './admin-token.guard';

export const ADMIN_SECURITY_SCHEME = 'admin-token';

/** Marks a controller or route as an admin API: bearer admin token required, documented in OpenAPI. */
export function AdminOnly(): ClassDecorator & MethodDecorator {
  return applyDecorators(
    UseGuards(AdminTokenGuard),
    ApiBearerAuth(ADMIN_SECURITY_SCHEME),
    ApiUnauthorizedResponse({ description: 'Missing or invalid admin bearer token (JSON error body)' }),
  );
}
