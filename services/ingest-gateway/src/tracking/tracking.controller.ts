import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PublicRoute } from '@tessera/service-kit';
import { SEGMENT_BATCH_SCHEMA, SEGMENT_CALL_SCHEMA, SUCCESS_SCHEMA } from './segment-call.openapi';
import type { SegmentCallType } from './segment-event-mapper';
import { TrackingEndpoints } from './tracking-endpoints';

/**
 * Segment's HTTP Tracking API. 200 `{ "success": true }` means the broker acknowledged every event (acks=all);
 * errors are JSON (see the README): 400 body, 401 write key, 429 rate limit, 503 broker (both with Retry-After).
 * The one-letter paths (/v1/t, /v1/i, /v1/p, /v1/s, /v1/g, /v1/a, /v1/b) are the ones analytics.js posts to.
 * These routes are declared here (for Nest and the OpenAPI document) but served by DirectTrackingRoutes, which
 * hands the same TrackingEndpoints straight to Fastify.
 */
@ApiTags('tracking (Segment HTTP API)')
@ApiOkResponse({ description: 'The broker acknowledged every event (acks=all)', schema: SUCCESS_SCHEMA })
@ApiResponse({ status: 400, description: 'Invalid JSON, over a size limit, not an object, bad batch shape (details name the index)' })
@ApiResponse({ status: 401, description: 'Missing, unknown or disabled write key (Basic-auth username, or writeKey in the body)' })
@ApiResponse({ status: 429, description: 'Source over its rate limit; Retry-After' })
@ApiResponse({ status: 503, description: 'Broker unavailable or too slow; nothing accepted; Retry-After' })
// No bearer token: ingest authenticates by write key.
@PublicRoute()
@Controller('v1')
export class TrackingController {
  constructor(private readonly endpoints: TrackingEndpoints) {}

  @Post(['track', 't'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Record an action (Segment track)' })
  @ApiBody({ schema: SEGMENT_CALL_SCHEMA })
  track(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown) {
    return this.single('track', req, reply, body);
  }

  @Post(['identify', 'i'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Tie a user to their traits (Segment identify)' })
  @ApiBody({ schema: SEGMENT_CALL_SCHEMA })
  identify(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown) {
    return this.single('identify', req, reply, body);
  }

  @Post(['page', 'p'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Record a page view (Segment page)' })
  @ApiBody({ schema: SEGMENT_CALL_SCHEMA })
  page(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown) {
    return this.single('page', req, reply, body);
  }

  @Post(['screen', 's'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Record a mobile screen view (Segment screen)' })
  @ApiBody({ schema: SEGMENT_CALL_SCHEMA })
  screen(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown) {
    return this.single('screen', req, reply, body);
  }

  @Post(['group', 'g'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Associate a user with a group (Segment group)' })
  @ApiBody({ schema: SEGMENT_CALL_SCHEMA })
  group(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown) {
    return this.single('group', req, reply, body);
  }

  @Post(['alias', 'a'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Merge two user identities (Segment alias)' })
  @ApiBody({ schema: SEGMENT_CALL_SCHEMA })
  alias(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown) {
    return this.single('alias', req, reply, body);
  }

  @Post(['batch', 'import', 'b'])
  @HttpCode(200)
  @ApiBody({ schema: SEGMENT_BATCH_SCHEMA })
  @ApiOperation({ summary: 'Send up to 2,500 calls (500 KB) at once: { batch: [...], context?, integrations?, sentAt? }' })
  async batch(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown) {
    return this.endpoints.batch(req, reply, body);
  }

  private single(type: SegmentCallType, req: FastifyRequest, reply: FastifyReply, body: unknown) {
    return this.endpoints.single(type, req, reply, body);
  }
}
