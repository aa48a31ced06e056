import { runService } from '@tessera/service-kit';
import { AppModule } from './app.module';

void runService(AppModule, { name: 'connectors' });
