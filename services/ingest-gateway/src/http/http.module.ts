import { Module } from '@nestjs/common';
import { IngestBodyParser } from './ingest-body-parser';

/** The gateway's body parser (gzip, Segment size limits, JSON errors) installed on Fastify at start. */
@Module({ providers: [IngestBodyParser] })
export class HttpModule {}
