import { startServiceForTest } from '@tessera/service-kit';
import { describeServiceScaffold } from '@tessera/testing';
import { AppModule } from './app.module';

describeServiceScaffold({
  name: 'activation-dispatcher',
  start: (settings) => startServiceForTest(AppModule, 'activation-dispatcher', settings),
  openApiPaths: [
    '/v1/destinations',
    '/v1/destinations/{id}',
    '/v1/destinations/{id}/test',
    '/v1/syncs',
    '/v1/syncs/{id}',
    '/v1/syncs/{id}/mirror',
    '/v1/suppressions',
    '/v1/deliveries',
    '/v1/profiles/{id}/deliveries',
  ],
});
