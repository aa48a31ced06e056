import { Module } from '@nestjs/common';
import { DurablePublisher } from './durable-publisher';

/** Acknowledged produce with a time bound, shared by the tracking and records endpoints. */
@Module({ providers: [DurablePublisher], exports: [DurablePublisher] })
export class PublishingModule {}
