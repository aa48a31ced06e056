import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ConnectorClock } from './connector-clock';
import { CONNECTOR_SETTINGS, loadConnectorSettings, type ConnectorSettings } from './connector-settings';

/** The service's settings (CONNECTORS_* variables, or a test's overrides) and its clock. */
@Global()
@Module({})
export class ConnectorConfigModule {
  static forRoot(overrides: Partial<ConnectorSettings> = {}): DynamicModule {
    return {
      module: ConnectorConfigModule,
      providers: [ConnectorClock, { provide: CONNECTOR_SETTINGS, useFactory: () => ({ ...loadConnectorSettings(), ...overrides }) }],
      exports: [ConnectorClock, CONNECTOR_SETTINGS],
    };
  }
}
