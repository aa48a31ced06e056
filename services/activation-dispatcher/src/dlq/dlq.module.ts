import { Module } from '@nestjs/common';
import { DeadDeliveryRepository } from './dead-delivery.repository';
import { DlqController } from './dlq.controller';

/** Each destination's DLQ (dead deliveries): browse and replay. Uses DeliveryModule's worker and clock. */
@Module({ controllers: [DlqController], providers: [DeadDeliveryRepository] })
export class DlqModule {}
