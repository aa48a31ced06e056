import { Module } from '@nestjs/common';
import { OutboxRelayThreadService } from './outbox-relay-thread.service';

/** The outbox relay on a worker thread. */
@Module({ providers: [OutboxRelayThreadService] })
export class RelayModule {}
