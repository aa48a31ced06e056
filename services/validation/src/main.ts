import { loadServiceConfigOrExit, VALIDATION_ENV_SPEC } from '@tessera/config';
import { runService } from '@tessera/service-kit/run-service';

// Validating validation's own variables with the shared ones makes a wrong value stop it with one line.
const config = loadServiceConfigOrExit('validation', VALIDATION_ENV_SPEC);
void runService(async () => (await import('./app.module')).AppModule, { name: 'validation', config });
