import { loadServiceConfigOrExit, VALIDATION_ENV_SPEC } from '@tessera/config';
import { runService } from '@tessera/service-kit';
import { AppModule } from './app.module';

// Validating validation's own variables with the shared ones makes a wrong value stop it with one line.
void runService(AppModule, { name: 'validation', config: loadServiceConfigOrExit('validation', VALIDATION_ENV_SPEC) });
