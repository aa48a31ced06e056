import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags, type SchemaObject } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PublicRoute } from '@tessera/service-kit';
import { rejectionReason, setRetryAfter } from '../http/ingest-exceptions';
import { RECORDS_BODY_SCHEMA } from './records.schema';
import { RecordsService } from './records.service';

/** The connectors' seam: batches of profile records with their field mapping (tags, custom attribute names, casts). */
@ApiTags('records (connectors)')
// No bearer token: connectors authenticate by a source's write key, as ingest does.
@PublicRoute()
@Controller('v1')
export class RecordsController {
  constructor(private readonly records: RecordsService) {}

  @Post('records')
  @HttpCode(200)
  @ApiBody({ schema: RECORDS_BODY_SCHEMA as unknown as SchemaObject })
  @ApiOperation({
    summary:
      'Send up to 2,500 profile records (500 KB): { records: [{ recordId, attributes, mapping?, objectType?, observedAt?, messageId? }], mapping?, source? }',
  })
  async ingest(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown) {
    try {
      const count = await this.records.ingest(req.headers.authorization, body, Date.now());
      this.records.metrics.accepted.inc(count);
      return { success: true, records: count };
    } catch (error) {
      const records = (body as { records?: unknown } | null)?.records;
      this.records.metrics.rejected.inc(
        { reason: rejectionReason(error) },
        Array.isArray(records) && records.length > 0 ? records.length : 1,
      );
      setRetryAfter(reply, error);
      throw error;
    }
  }
}
