import { startServiceForTest } from '@tessera/service-kit';
import { describeServiceScaffold } from '@tessera/testing';
import { AppModule } from './app.module';

describeServiceScaffold({
  name: 'connectors',
  start: (settings) => startServiceForTest(AppModule, 'connectors', settings),
  openApiPaths: ['/v1/connections', '/v1/connections/{id}/runs', '/v1/runs/{id}', '/v1/runs/{id}/cancel'],
});
