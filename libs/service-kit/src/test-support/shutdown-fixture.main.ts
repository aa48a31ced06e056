// A tiny service for the signal tests: SHUTDOWN_FIXTURE_HANG=1 makes its database-like hook never finish.
import { Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { createLogger } from '@tessera/observability';
import { bootstrapService } from '../bootstrap-service';

@Injectable()
class StuckDependency implements OnApplicationShutdown {
  onApplicationShutdown(): Promise<void> {
    if (process.env.SHUTDOWN_FIXTURE_HANG === '1') return new Promise(() => setInterval(() => undefined, 1000));
    return Promise.resolve();
  }
}

@Module({ providers: [StuckDependency] })
class FixtureModule {}

void bootstrapService(FixtureModule, {
  name: 'shutdown-fixture',
  port: 0,
  host: '127.0.0.1',
  adminToken: 'unused',
  shutdownTimeoutMs: Number(process.env.SHUTDOWN_TIMEOUT_MS),
  logger: createLogger({ service: 'shutdown-fixture', level: 'info' }),
}).then((service) => process.stdout.write(`READY ${service.url}\n`));
