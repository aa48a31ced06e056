import { Global, Module, type DynamicModule } from '@nestjs/common';
import { OffsetClock } from '@tessera/service-kit';
import { CONNECTOR_SETTINGS, loadConnectorSettings, type ConnectorSettings } from './connector-settings';

/** The service's settings (CONNECTORS_* variables, or a test's overrides) and its clock. */
@Global()
@Module({})
export class ConnectorConfigModule {
  static forRoot(overrides: Partial<ConnectorSettings> = {}): DynamicModule {
    return {
      module: ConnectorConfigModule,
      providers: [OffsetClock, { provide: CONNECTOR_SETTINGS, useFactory: () => ({ ...loadConnectorSettings(), ...overrides }) }],
      exports: [OffsetClock, CONNECTOR_SETTINGS],
    };
  }
}
