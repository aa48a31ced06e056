import { Module, type DynamicModule } from '@nestjs/common';
import { DeliveryLogPrunerService } from './delivery-log-pruner.service';
import { loadRetentionSettings, RETENTION_SETTINGS, type RetentionSettings } from './retention-settings';

/** The delivery log's retention: a periodic pruner of finished deliveries and their attempts. */
@Module({})
export class RetentionModule {
  /** Settings from the ACTIVATION_* environment, with `settings` on top (tests). */
  static forRoot(settings: Partial<RetentionSettings> = {}): DynamicModule {
    return {
      module: RetentionModule,
      providers: [
        { provide: RETENTION_SETTINGS, useFactory: () => ({ ...loadRetentionSettings(), ...settings }) },
        DeliveryLogPrunerService,
      ],
      exports: [DeliveryLogPrunerService],
    };
  }
}
