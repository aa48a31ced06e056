import { GATEWAY_ENV_SPEC, loadServiceConfigOrExit } from '@tessera/config';
import { runService } from '@tessera/service-kit/run-service';
import { loadGatewaySettings } from './config/gateway-settings';

// Validating the gateway's own variables with the shared ones makes a wrong value stop it with one line.
const config = loadServiceConfigOrExit('ingest-gateway', GATEWAY_ENV_SPEC);
void runService(async () => (await import('./app.module')).AppModule, {
  name: 'ingest-gateway',
  config,
  httpTimeouts: loadGatewaySettings().http,
});
