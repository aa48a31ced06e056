import { loadServiceConfigOrExit } from '@tessera/config';
import { runService } from '@tessera/service-kit';
import { AppModule } from './app.module';
import { VALIDATION_ENV_SPEC } from './config/validation-settings';

// Validating validation's own variables with the shared ones makes a wrong value stop it with one line.
void runService(AppModule, { name: 'validation', config: loadServiceConfigOrExit('validation', VALIDATION_ENV_SPEC) });
