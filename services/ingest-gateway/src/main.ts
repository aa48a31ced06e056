import { loadServiceConfigOrExit } from '@tessera/config';
import { runService } from '@tessera/service-kit';
import { AppModule } from './app.module';
import { GATEWAY_ENV_SPEC } from './config/gateway-settings';

// Validating the gateway's own variables with the shared ones makes a wrong value stop it with one line.
void runService(AppModule, { name: 'ingest-gateway', config: loadServiceConfigOrExit('ingest-gateway', GATEWAY_ENV_SPEC) });
