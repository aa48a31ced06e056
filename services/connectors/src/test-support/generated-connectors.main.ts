import type { Connector } from '@tessera/connector-sdk';
import { runService } from '@tessera/service-kit';
import { appModuleWithCatalog } from '../app.module';
import { generatedRowsConnector } from './generated-rows.connector';

/** The service with the generated-rows connector as a process of its own (ServiceChildProcess `entry`), for kill -9 tests and the bench. */
void runService(appModuleWithCatalog(() => [generatedRowsConnector as Connector<never>]), { name: 'connectors' });
