import { Module } from '@nestjs/common';
import { DatabaseModule, MessagingModule } from '@tessera/service-kit';
import { ValidationConfigModule } from './config/validation-config.module';
import { VALIDATION_MIGRATIONS } from './database/migrations';
import { PipelineModule } from './pipeline/pipeline.module';
import { QualityReportModule } from './quality-report/quality-report.module';
import { RejectionsModule } from './rejections/rejections.module';
import { SourceSettingsModule } from './source-settings/source-settings.module';
import { TrackingPlansModule } from './tracking-plans/tracking-plans.module';

/** validation: tracking plans, dedupe window and rejections. Wiring only; features live in their own modules. */
@Module({
  imports: [
    DatabaseModule.forService({ migrations: VALIDATION_MIGRATIONS }),
    MessagingModule.forService(),
    ValidationConfigModule,
    TrackingPlansModule,
    SourceSettingsModule,
    PipelineModule,
    RejectionsModule,
    QualityReportModule,
  ],
})
export class AppModule {}
