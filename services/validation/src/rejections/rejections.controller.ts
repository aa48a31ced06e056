import { BadRequestException, Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiTags, type SchemaObject } from '@nestjs/swagger';
import { REJECTION_REASONS, type RejectionReason } from '@tessera/contracts';
import type { Registry } from '@tessera/observability';
import type { Pool } from '@tessera/persistence';
import { JsonBodyValidator, METRICS_REGISTRY, pageLimit, SERVICE_PG_POOL } from '@tessera/service-kit';
import { parseInstant } from '../http/time-range';
import { rejectionMetrics, type RejectionMetrics } from './metrics';
import { RejectionReplayer } from './rejection-replayer';
import { RejectionStore, type RejectionCursor, type RejectionFilter, type StoredRejection } from './rejection-store';

interface ReplayBody {
  rejectionIds?: string[];
  sourceId?: string;
  connectionId?: string;
  runId?: string;
  reason?: RejectionReason;
  service?: string;
  from?: string;
  to?: string;
  /** Default true: a selection by filter skips rejections replayed before. */
  onlyNotReplayed?: boolean;
  limit?: number;
}

const REPLAY_BODY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    rejectionIds: { type: 'array', minItems: 1, maxItems: 10_000, items: { type: 'string', minLength: 1 } },
    sourceId: { type: 'string', minLength: 1 },
    connectionId: { type: 'string', minLength: 1 },
    runId: { type: 'string', minLength: 1 },
    reason: { type: 'string', enum: REJECTION_REASONS },
    service: { type: 'string', minLength: 1 },
    from: { type: 'string' },
    to: { type: 'string' },
    onlyNotReplayed: { type: 'boolean' },
    limit: { type: 'integer', minimum: 1, maximum: 10_000 },
  },
  anyOf: [
    { required: ['rejectionIds'] },
    { required: ['sourceId'] },
    { required: ['connectionId'] },
    { required: ['runId'] },
    { required: ['reason'] },
    { required: ['service'] },
    { required: ['from'] },
    { required: ['to'] },
  ],
} as const;

/** Browse the typed DLQ and replay a selection after a fix (Snowplow-style failed events). */
@ApiTags('rejections')
@Controller('v1/rejections')
export class RejectionsController {
  private readonly replayBody = new JsonBodyValidator<ReplayBody>(REPLAY_BODY_SCHEMA);
  private readonly replayer: RejectionReplayer;
  private readonly metrics: RejectionMetrics;

  constructor(
    @Inject(SERVICE_PG_POOL) private readonly pool: Pool,
    @Inject(METRICS_REGISTRY) registry: Registry,
    private readonly store: RejectionStore,
  ) {
    this.replayer = new RejectionReplayer(pool, store);
    this.metrics = rejectionMetrics(registry);
  }

  @Get()
  @ApiOperation({ summary: 'Browse rejections, newest first, by source, connection, run, reason, service and time (keyset pagination)' })
  @ApiQuery({ name: 'sourceId', required: false })
  @ApiQuery({ name: 'connectionId', required: false, description: "a connectors-service connection: its records' rejections" })
  @ApiQuery({ name: 'runId', required: false, description: 'one sync run of a connection' })
  @ApiQuery({ name: 'reason', required: false, enum: REJECTION_REASONS })
  @ApiQuery({ name: 'service', required: false })
  @ApiQuery({ name: 'from', required: false, description: 'ISO-8601 or epoch ms, inclusive' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO-8601 or epoch ms, exclusive' })
  @ApiQuery({ name: 'limit', required: false, description: '1-500, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  async browse(@Query() query: Record<string, string | undefined>): Promise<{ rejections: StoredRejection[]; nextCursor: string | null }> {
    const filter: RejectionFilter = {
      sourceId: query.sourceId || undefined,
      connectionId: query.connectionId || undefined,
      runId: query.runId || undefined,
      reason: reasonParam(query.reason),
      service: query.service || undefined,
      from: parseInstant('from', query.from),
      to: parseInstant('to', query.to),
    };
    const limit = pageLimit(query.limit, 50, 500);
    const rejections = await this.store.browse(this.pool, filter, limit, decodeCursor(query.cursor));
    const last = rejections[rejections.length - 1];
    const nextCursor =
      rejections.length === limit && last ? encodeCursor({ rejectedAt: Date.parse(last.rejectedAt), rejectionId: last.rejectionId }) : null;
    return { rejections, nextCursor };
  }

  @Get(':rejectionId')
  @ApiOperation({ summary: 'One rejection with its original message' })
  async get(@Param('rejectionId') rejectionId: string): Promise<StoredRejection> {
    const found = await this.store.get(this.pool, rejectionId);
    if (!found) throw new NotFoundException(`no rejection ${rejectionId}`);
    return found;
  }

  @Post('replay')
  @HttpCode(200)
  @ApiOperation({ summary: 'Re-submit a selection of rejections to their original topic (original bytes, original messageId)' })
  @ApiBody({ schema: REPLAY_BODY_SCHEMA as unknown as SchemaObject })
  async replay(@Body() raw: unknown): Promise<{ replayed: number; rejectionIds: string[] }> {
    const body = this.replayBody.parse(raw);
    const filter: RejectionFilter = {
      rejectionIds: body.rejectionIds,
      sourceId: body.sourceId,
      connectionId: body.connectionId,
      runId: body.runId,
      reason: body.reason,
      service: body.service,
      from: parseInstant('from', body.from),
      to: parseInstant('to', body.to),
      notReplayed: body.rejectionIds ? false : (body.onlyNotReplayed ?? true),
    };
    const result = await this.replayer.replay(filter, body.limit ?? 1_000);
    this.metrics.replayed.inc(result.replayed);
    return result;
  }
}

function reasonParam(value: string | undefined): RejectionReason | undefined {
  if (!value) return undefined;
  if ((REJECTION_REASONS as readonly string[]).includes(value)) return value as RejectionReason;
  throw new BadRequestException(`reason must be one of ${REJECTION_REASONS.join(', ')}, got ${JSON.stringify(value.slice(0, 60))}`);
}

function encodeCursor(cursor: RejectionCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string | undefined): RejectionCursor | undefined {
  if (!text) return undefined;
  try {
    const cursor = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as RejectionCursor;
    if (typeof cursor.rejectedAt === 'number' && typeof cursor.rejectionId === 'string') return cursor;
  } catch {
    // fall through to the 400
  }
  throw new BadRequestException('cursor is not a nextCursor this API returned');
}
