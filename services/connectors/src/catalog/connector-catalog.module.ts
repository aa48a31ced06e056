import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Connector } from '@tessera/connector-sdk';
import { ConnectorCatalog } from './connector-catalog';
import { CONNECTOR_CATALOG } from './connector-catalog.token';

/** Provides the connector catalog to every feature; app.module.ts chooses the connectors (tests give their own). */
@Global()
@Module({})
export class ConnectorCatalogModule {
  static forRoot(connectors: () => ReadonlyArray<Connector<never>>): DynamicModule {
    return {
      module: ConnectorCatalogModule,
      providers: [{ provide: CONNECTOR_CATALOG, useFactory: () => new ConnectorCatalog(connectors()) }],
      exports: [CONNECTOR_CATALOG],
    };
  }
}
