import { Global, Module } from '@nestjs/common';
import { loadValidationSettings, VALIDATION_SETTINGS } from './validation-settings';

/** validation's own settings (VALIDATION_* variables), validated at start like the shared ones. */
@Global()
@Module({
  providers: [{ provide: VALIDATION_SETTINGS, useFactory: () => loadValidationSettings() }],
  exports: [VALIDATION_SETTINGS],
})
export class ValidationConfigModule {}
