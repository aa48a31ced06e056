import { Module } from '@nestjs/common';
import { SourceSettingsController } from './source-settings.controller';
import { SourceSettingsRepository } from './source-settings.repository';

@Module({
  controllers: [SourceSettingsController],
  providers: [SourceSettingsRepository],
  exports: [SourceSettingsRepository],
})
export class SourceSettingsModule {}
