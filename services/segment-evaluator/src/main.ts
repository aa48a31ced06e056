import { runService } from '@tessera/service-kit/run-service';

void runService(async () => (await import('./app.module')).AppModule, { name: 'segment-evaluator' });
