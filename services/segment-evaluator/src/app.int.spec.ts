import { startServiceForTest } from '@tessera/service-kit';
import { describeServiceScaffold } from '@tessera/testing';
import { AppModule } from './app.module';

describeServiceScaffold({
  name: 'segment-evaluator',
  start: (settings) => startServiceForTest(AppModule, 'segment-evaluator', settings),
});
