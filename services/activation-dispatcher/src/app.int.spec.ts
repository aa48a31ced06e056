import { startServiceForTest } from '@tessera/service-kit';
import { describeServiceScaffold } from '@tessera/testing';
import { AppModule } from './app.module';

describeServiceScaffold({
  name: 'activation-dispatcher',
  start: (settings) => startServiceForTest(AppModule, 'activation-dispatcher', settings),
});
