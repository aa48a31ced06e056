import { startServiceForTest } from '@tessera/service-kit';
import { describeServiceScaffold } from '@tessera/testing';
import { AppModule } from './app.module';

describeServiceScaffold({
  name: 'validation',
  start: (settings) => startServiceForTest(AppModule, 'validation', settings),
  openApiPaths: [
    '/v1/tracking-plans/{sourceId}',
    '/v1/sources/{sourceId}/settings',
    '/v1/rejections',
    '/v1/rejections/replay',
    '/v1/reports/input-validation',
  ],
});
