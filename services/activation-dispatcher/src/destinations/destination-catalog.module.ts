import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { DestinationCatalog } from '@tessera/destinations';
import { DESTINATION_CATALOG } from './destination-catalog.token';

/** Provides DESTINATION_CATALOG to every module: the real catalog in app.module.ts, a test catalog in tests. */
@Global()
@Module({})
export class DestinationCatalogModule {
  static forRoot(create: () => DestinationCatalog): DynamicModule {
    return { module: DestinationCatalogModule, providers: [{ provide: DESTINATION_CATALOG, useFactory: create }], exports: [DESTINATION_CATALOG] };
  }
}
