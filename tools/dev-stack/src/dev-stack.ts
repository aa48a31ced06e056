import fs from 'node:fs';
import path from 'node:path';
import { SERVICE_CATALOG, SERVICE_NAMES } from '@tessera/config';
import { startBroker, type RunningBroker } from '@tessera/embedded-kafka';
import { createKafkaClient } from '@tessera/kafka';
import { createLogger } from '@tessera/observability';
import { loadOrCreateDevSecrets, type DevSecrets } from './dev-secrets';
import type { DevStackSettings } from './dev-stack-settings';
import { startDevPostgres, type RunningPostgres } from './embedded-postgres-server';
import { freePort } from './free-port';
import { humanize } from './output-prefixer';
import { waitUntilReady } from './readiness-waiter';
import { ServiceProcess } from './service-process';
import { provisionTopics } from './topic-provisioner';

export interface DevStackEndpoints {
  kafkaBrokers: string;
  databaseUrl: string;
  secrets: DevSecrets;
  services: Array<{ name: string; url: string }>;
  embeddedKafka: boolean;
  embeddedPostgres: boolean;
}

const SERVICE_STOP_GRACE_MS = 15_000;

/**
 * The whole platform on one machine: embedded broker and Postgres (unless KAFKA_BROKERS / DATABASE_URL point
 * elsewhere), every topic from the contracts catalog, then the six services as child processes.
 * Stops in reverse: services first (they drain into Kafka and Postgres), then the broker, then Postgres.
 */
export class DevStack {
  private broker: RunningBroker | undefined;
  private postgres: RunningPostgres | undefined;
  private services: ServiceProcess[] = [];
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly settings: DevStackSettings,
    private readonly log: (line: string) => void,
  ) {}

  async start(): Promise<DevStackEndpoints> {
    const { settings } = this;
    const secrets = loadOrCreateDevSecrets(settings.dataDir, {
      writeKey: settings.fixedWriteKey,
      adminToken: settings.fixedAdminToken,
      readToken: settings.fixedReadToken,
    });

    const databaseUrl = settings.externalDatabaseUrl ?? (await this.startPostgres());
    this.throwIfStopping();
    const kafkaBrokers = settings.externalKafkaBrokers ?? (await this.startBroker());
    this.throwIfStopping();

    const kafka = createKafkaClient({ clientId: 'tessera-dev-stack', brokers: kafkaBrokers.split(',') });
    const topics = await provisionTopics(kafka);
    this.log(`topics: ${topics.created.length} created, ${topics.existing.length} already there`);

    for (const name of SERVICE_NAMES) {
      this.throwIfStopping();
      const port = settings.servicePorts[name] || (await freePort());
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        NODE_ENV: 'development',
        LOG_LEVEL: settings.logLevel,
        PORT: String(port),
        KAFKA_BROKERS: kafkaBrokers,
        DATABASE_URL: databaseUrl,
        DATABASE_SCHEMA: SERVICE_CATALOG[name].schema,
        TESSERA_ADMIN_TOKEN: secrets.adminToken,
        TESSERA_READ_TOKEN: secrets.readToken,
        TESSERA_DEV_STACK_RUNNER: undefined,
      };
      // Only the ingest gateway accepts write keys; the other services never see it.
      if (name === 'ingest-gateway') env.TESSERA_DEV_WRITE_KEY = secrets.writeKey;
      else delete env.TESSERA_DEV_WRITE_KEY;
      const service = new ServiceProcess(name, port, env);
      service.start();
      this.services.push(service);
    }
    await Promise.all(this.services.map((service) => waitUntilReady(service, settings.readyTimeoutMs)));

    return {
      kafkaBrokers,
      databaseUrl,
      secrets,
      services: this.services.map((service) => ({ name: service.name, url: service.url })),
      embeddedKafka: this.broker !== undefined,
      embeddedPostgres: this.postgres !== undefined,
    };
  }

  /** Resolves with the name of the first service that exits while the stack is meant to be running. */
  async firstUnexpectedExit(): Promise<string> {
    const name = await Promise.race(this.services.map(async (service) => (await service.waitForExit(), service.name)));
    return this.stopping ? new Promise<string>(() => {}) : name;
  }

  stop(): Promise<void> {
    this.stopping ??= this.stopInOrder();
    return this.stopping;
  }

  private async stopInOrder(): Promise<void> {
    const exits = await Promise.all(this.services.map(async (service) => ({ name: service.name, exit: await service.stop(SERVICE_STOP_GRACE_MS) })));
    for (const { name, exit } of exits) {
      if (exit.code !== 0 && exit.code !== null) this.log(`${name} exited with code ${exit.code}`);
      if (exit.signal) this.log(`${name} was stopped by ${exit.signal}`);
    }
    if (this.broker) {
      await this.broker.stop();
      this.log('embedded Kafka broker stopped');
    }
    if (this.postgres) {
      await this.postgres.stop();
      this.log('embedded Postgres stopped');
    }
  }

  private throwIfStopping(): void {
    if (this.stopping) throw new Error('stopped while starting');
  }

  private async startPostgres(): Promise<string> {
    const port = this.settings.postgresPort || (await freePort());
    // As root, embedded-postgres runs the server as a `postgres` user, which must be able to enter the data dir.
    if (process.getuid?.() === 0) fs.chmodSync(this.settings.dataDir, 0o755);
    this.postgres = await startDevPostgres(path.join(this.settings.dataDir, 'postgres'), port);
    this.log(`embedded Postgres on 127.0.0.1:${port} (data in ${path.join(this.settings.dataDir, 'postgres')})`);
    return this.postgres.url;
  }

  private async startBroker(): Promise<string> {
    const dataDir = path.join(this.settings.dataDir, 'kafka');
    try {
      const logger = createLogger({
        service: 'embedded-kafka',
        level: process.env.TESSERA_BROKER_LOG_LEVEL ?? 'warn',
        destination: { write: (line: string) => void process.stdout.write(`[kafka] ${humanize(line.trimEnd())}\n`) },
      });
      this.broker = await startBroker({ port: this.settings.kafkaPort, dataDir, autoCreateTopics: false, logger });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`embedded Kafka broker did not start on port ${this.settings.kafkaPort} (${reason}); if the port is taken, set TESSERA_KAFKA_PORT, or KAFKA_BROKERS to use a running Kafka`);
    }
    this.log(`embedded Kafka broker on ${this.broker.bootstrap} (data in ${dataDir})`);
    return this.broker.bootstrap;
  }
}
