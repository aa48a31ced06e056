import { startServiceForTest } from '@tessera/service-kit';
import { describeServiceScaffold } from '@tessera/testing';
import { AppModule } from './app.module';

describeServiceScaffold({
  name: 'identity-resolver',
  start: (settings) => startServiceForTest(AppModule, 'identity-resolver', settings),
});
