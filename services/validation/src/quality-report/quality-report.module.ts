import { Module } from '@nestjs/common';
import { QualityReportController } from './quality-report.controller';

@Module({ controllers: [QualityReportController] })
export class QualityReportModule {}
