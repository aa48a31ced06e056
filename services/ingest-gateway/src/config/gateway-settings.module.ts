import { Global, Module } from '@nestjs/common';
import { GATEWAY_SETTINGS, loadGatewaySettings } from './gateway-settings';

/** The gateway's own settings (GATEWAY_SETTINGS), read from the environment once at start. */
@Global()
@Module({
  providers: [{ provide: GATEWAY_SETTINGS, useFactory: () => loadGatewaySettings() }],
  exports: [GATEWAY_SETTINGS],
})
export class GatewaySettingsModule {}
