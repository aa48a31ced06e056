import { startServiceForTest } from '@tessera/service-kit';
import { describeServiceScaffold } from '@tessera/testing';
import { AppModule } from './app.module';

describeServiceScaffold({
  name: 'ingest-gateway',
  start: (settings) => startServiceForTest(AppModule, 'ingest-gateway', settings),
  openApiPaths: ['/v1/track', '/v1/batch', '/v1/records'],
  // Ingest takes a source's write key, never a bearer token.
  publicPaths: [/^\/v1\/(track|t|identify|i|page|p|screen|s|group|g|alias|a|batch|import|b|records)$/],
});
