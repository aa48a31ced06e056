import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { DestinationCatalog } from '@tessera/destinations';
import { DESTINATION_CATALOG } from './destination-catalog.token';

/** Provides the destination catalog to every feature; app.module.ts chooses which one (tests give a local one). */
@Global()
@Module({})
export class DestinationCatalogModule {
  static forRoot(catalog: () => DestinationCatalog): DynamicModule {
    return {
      module: DestinationCatalogModule,
      providers: [{ provide: DESTINATION_CATALOG, useFactory: catalog }],
      exports: [DESTINATION_CATALOG],
    };
  }
}
