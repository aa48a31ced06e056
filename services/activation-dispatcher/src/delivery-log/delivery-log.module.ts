import { Module } from '@nestjs/common';
import { DeliveriesController } from './deliveries.controller';
import { DeliveryQueryService } from './delivery-query.service';

/** The delivery log's read side. */
@Module({ controllers: [DeliveriesController], providers: [DeliveryQueryService] })
export class DeliveryLogModule {}
