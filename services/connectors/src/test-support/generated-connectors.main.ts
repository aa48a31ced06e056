import type { Connector } from '@tessera/connector-sdk';
import { builtinConnectors } from '@tessera/connectors';
import { runService } from '@tessera/service-kit/run-service';

/** The service with the built-in connectors and the generated-rows connector as a process of its own (ServiceChildProcess `entry`), for kill -9 tests and the bench. */
void runService(
  async () => {
    const [{ appModuleWithCatalog }, { generatedRowsConnector }] = await Promise.all([
      import('../app.module'),
      import('./generated-rows.connector'),
    ]);
    return appModuleWithCatalog(() => [...builtinConnectors(), generatedRowsConnector as Connector<never>]);
  },
  { name: 'connectors' },
);
