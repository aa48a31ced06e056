import { startServiceForTest } from '@tessera/service-kit';
import { describeServiceScaffold } from '@tessera/testing';
import { AppModule } from './app.module';

describeServiceScaffold({
  name: 'profile-merger',
  start: (settings) => startServiceForTest(AppModule, 'profile-merger', settings),
});
