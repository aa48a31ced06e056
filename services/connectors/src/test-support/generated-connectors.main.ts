import type { Connector } from '@tessera/connector-sdk';
import { builtinConnectors } from '@tessera/connectors';
import { runService } from '@tessera/service-kit';
import { appModuleWithCatalog } from '../app.module';
import { generatedRowsConnector } from './generated-rows.connector';

/** The service with the built-in connectors and the generated-rows connector as a process of its own (ServiceChildProcess `entry`), for kill -9 tests and the bench. */
void runService(
  appModuleWithCatalog(() => [...builtinConnectors(), generatedRowsConnector as Connector<never>]),
  { name: 'connectors' },
);
