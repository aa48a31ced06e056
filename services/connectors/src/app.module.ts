import { Module, type DynamicModule } from '@nestjs/common';
import type { Connector } from '@tessera/connector-sdk';
import { builtinConnectors } from '@tessera/connectors';
import { DatabaseModule, MessagingModule } from '@tessera/service-kit';
import { ConnectorCatalogModule } from './catalog/connector-catalog.module';
import { ConnectorConfigModule } from './config/connector-config.module';
import type { ConnectorSettings } from './config/connector-settings';
import { ConnectionsModule } from './connections/connections.module';
import { CONNECTORS_MIGRATIONS } from './database/migrations';
import { RelayModule } from './relay/relay.module';
import { RunsModule } from './runs/runs.module';
import { SchedulesModule } from './schedules/schedules.module';
import { SyncModule } from './sync/sync.module';

const features = (settings: Partial<ConnectorSettings> = {}) => [
  DatabaseModule.forService({ migrations: CONNECTORS_MIGRATIONS }),
  MessagingModule.forService({ relay: false }),
  RelayModule,
  ConnectorConfigModule.forRoot(settings),
  ConnectionsModule,
  SyncModule,
  RunsModule,
  SchedulesModule,
];

/** connectors: connections, runs, schedules. Wiring only; features live in their own modules. */
@Module({ imports: [...features(), ConnectorCatalogModule.forRoot(() => builtinConnectors())] })
export class AppModule {}

class ConnectorsWithCatalog {}

/** The same service with another connector catalog and settings (tests: a generated-rows connector, short leases). */
export function appModuleWithCatalog(
  connectors: () => ReadonlyArray<Connector<never>>,
  settings: Partial<ConnectorSettings> = {},
): DynamicModule {
  return { module: ConnectorsWithCatalog, imports: [...features(settings), ConnectorCatalogModule.forRoot(connectors)] };
}
