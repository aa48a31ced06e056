import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SERVICE_CATALOG, SERVICE_NAMES, type ServiceName } from '@tessera/config';
import { TOPIC_SPECS } from '@tessera/contracts';
import { createKafkaClient, ensureTopics } from '@tessera/kafka';
import { launchBroker } from './broker-process';
import type { ChildRun } from './child-run';
import { ChildSupervisor } from './child-supervisor';
import { loadOrCreateDevSecrets, type DevSecrets } from './dev-secrets';
import type { DevStackSettings } from './dev-stack-settings';
import { startDevPostgres } from './embedded-postgres-server';
import { freePort } from './free-port';
import { OrphanGuardLink, type GuardedChild } from './orphan-guard-link';
import { waitUntilReady, type ReadinessTarget } from './readiness-waiter';
import { ServiceProcess } from './service-process';
import { provisionServiceRoles, serviceDatabaseUrl, serviceRoleName } from './service-roles';

export interface DevStackEndpoints {
  kafkaBrokers: string;
  databaseUrl: string;
  secrets: DevSecrets;
  services: Array<{ name: string; url: string }>;
  embeddedKafka: boolean;
  kafkaKind: 'embedded' | 'apache';
  embeddedPostgres: boolean;
}

const SERVICE_STOP_GRACE_MS = 15_000;
const BROKER_STOP_GRACE_MS = 10_000;
const POSTGRES_STOP_GRACE_MS = 15_000;
const READY_AGAIN_POLL_MS = 1_000;
/** What the orphan guard does with each kind of child if the runner dies: same order as stop() below. */
const GUARD = {
  service: { stage: 0, signal: 'SIGTERM', graceMs: SERVICE_STOP_GRACE_MS },
  broker: { stage: 1, signal: 'SIGTERM', graceMs: BROKER_STOP_GRACE_MS },
  postgres: { stage: 2, signal: 'SIGINT', graceMs: POSTGRES_STOP_GRACE_MS },
} as const satisfies Record<string, Omit<GuardedChild, 'name'>>;

interface SupervisedService extends ReadinessTarget {
  supervisor: ChildSupervisor;
}

/**
 * The whole platform on one machine: embedded broker and Postgres (unless KAFKA_BROKERS / DATABASE_URL point
 * elsewhere), every topic from the contracts catalog, then the seven services, each a child process.
 * Every child is supervised: one that dies is restarted with backoff (child-supervisor.ts); the broker and
 * Postgres on the same port and data directory, so the services reconnect to them by themselves. If the runner
 * itself dies, the orphan guard stops the children (orphan-guard.ts).
 * Stops in reverse: services first (they drain into Kafka and Postgres), then the broker, then Postgres.
 */
export class DevStack {
  private readonly guard: OrphanGuardLink;
  private postgres: ChildSupervisor | undefined;
  private broker: ChildSupervisor | undefined;
  private services: SupervisedService[] = [];
  private up = false;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly settings: DevStackSettings,
    private readonly log: (line: string) => void,
  ) {
    this.guard = new OrphanGuardLink(log);
  }

  async start(): Promise<DevStackEndpoints> {
    const { settings } = this;
    const secrets = loadOrCreateDevSecrets(settings.dataDir, {
      writeKey: settings.fixedWriteKey,
      adminToken: settings.fixedAdminToken,
      readToken: settings.fixedReadToken,
    });
    await this.guard.start();
    this.throwIfStopping();

    const databaseUrl = settings.externalDatabaseUrl ?? (await this.startPostgres());
    this.throwIfStopping();
    const kafkaBrokers = settings.externalKafkaBrokers ?? (await this.startBroker());
    this.throwIfStopping();

    // With the embedded Postgres each service connects as its own role, as in production; an external
    // DATABASE_URL is given to every service as it is.
    const serviceDatabaseUrls = this.postgres ? await this.provisionServiceRoles(databaseUrl) : undefined;
    this.throwIfStopping();

    const kafka = createKafkaClient({ clientId: 'tessera-dev-stack', brokers: kafkaBrokers.split(',') });
    const topics = await ensureTopics(kafka, TOPIC_SPECS);
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
        DATABASE_URL: serviceDatabaseUrls?.get(name) ?? databaseUrl,
        DATABASE_SCHEMA: SERVICE_CATALOG[name].schema,
        TESSERA_ADMIN_TOKEN: secrets.adminToken,
        TESSERA_READ_TOKEN: secrets.readToken,
        TESSERA_DEV_STACK_RUNNER: undefined,
      };
      // Only the ingest gateway accepts write keys; the other services never see it.
      if (name === 'ingest-gateway') env.TESSERA_DEV_WRITE_KEY = secrets.writeKey;
      else delete env.TESSERA_DEV_WRITE_KEY;
      const service = this.superviseService(name, port, env);
      this.services.push(service);
      await service.supervisor.start();
    }
    await Promise.all(this.services.map((service) => waitUntilReady(service, settings.readyTimeoutMs)));
    // From here on a service that exits is restarted; before, it failed the start with its own message.
    this.up = true;
    for (const service of this.services) service.supervisor.keepAlive();

    return {
      kafkaBrokers,
      databaseUrl,
      secrets,
      services: this.services.map((service) => ({ name: service.name, url: service.url })),
      embeddedKafka: this.broker !== undefined,
      kafkaKind: this.settings.kafkaKind,
      embeddedPostgres: this.postgres !== undefined,
    };
  }

  stop(): Promise<void> {
    this.stopping ??= this.stopInOrder();
    return this.stopping;
  }

  private async stopInOrder(): Promise<void> {
    const exits = await Promise.all(this.services.map(async (service) => ({ name: service.name, exit: await service.supervisor.stop() })));
    for (const { name, exit } of exits) {
      if (exit && exit.code !== 0 && exit.code !== null) this.log(`${name} exited with code ${exit.code}`);
      if (exit?.signal) this.log(`${name} was stopped by ${exit.signal}`);
    }
    if (this.broker) {
      await this.broker.stop();
      this.log(`${this.settings.kafkaKind === 'apache' ? 'Apache' : 'embedded'} Kafka broker stopped`);
    }
    if (this.postgres) {
      await this.postgres.stop();
      this.log('embedded Postgres stopped');
    }
    await this.guard.release();
  }

  private throwIfStopping(): void {
    if (this.stopping) throw new Error('stopped while starting');
  }

  private guarded(name: string, kind: keyof typeof GUARD) {
    return {
      log: this.log,
      onRunning: (run: ChildRun) => this.guard.watch(run.pid, { name, ...GUARD[kind] }),
      onExited: (run: ChildRun) => this.guard.unwatch(run.pid),
    };
  }

  private superviseService(name: ServiceName, port: number, env: NodeJS.ProcessEnv): SupervisedService {
    const hooks = this.guarded(name, 'service');
    const service: SupervisedService = {
      name,
      port,
      url: `http://127.0.0.1:${port}`,
      get exited() {
        return service.supervisor.current?.exitInfo;
      },
      supervisor: new ChildSupervisor(name, async () => serviceRun(new ServiceProcess(name, port, env)), {
        ...hooks,
        onRunning: (run) => {
          hooks.onRunning(run);
          if (this.up) this.logWhenReadyAgain(service, run);
        },
      }),
    };
    return service;
  }

  private logWhenReadyAgain(service: SupervisedService, run: ChildRun): void {
    // Polled gently: a service logs each 503 it answers while it comes up.
    waitUntilReady(service, this.settings.readyTimeoutMs, READY_AGAIN_POLL_MS).then(
      () => this.log(`${service.name} (pid ${run.pid}) is ready again`),
      () => undefined, // it exited again, or is stuck: the supervisor's own lines say so
    );
  }

  private async startPostgres(): Promise<string> {
    const port = this.settings.postgresPort || (await freePort());
    const dataDir = path.join(this.settings.dataDir, 'postgres');
    // As root, embedded-postgres runs the server as a `postgres` user, which must be able to enter the data dir.
    if (process.getuid?.() === 0) fs.chmodSync(this.settings.dataDir, 0o755);
    this.postgres = new ChildSupervisor('embedded Postgres', () => startDevPostgres(dataDir, port), this.guarded('postgres', 'postgres'));
    const run = await this.postgres.start();
    this.postgres.keepAlive();
    this.log(`embedded Postgres on 127.0.0.1:${port} (pid ${run.pid}, data in ${dataDir})`);
    return (run as ChildRun & { url: string }).url;
  }

  /**
   * A login role per service owning only its schema (service-roles.ts), with a fresh password each start: the
   * passwords live only in the services' environment, and every restart of a service reuses its own.
   */
  private async provisionServiceRoles(adminUrl: string): Promise<Map<ServiceName, string>> {
    const roles = new Map(
      SERVICE_NAMES.map((name) => {
        const { schema } = SERVICE_CATALOG[name];
        return [name, { schema, role: serviceRoleName(schema), password: randomBytes(18).toString('hex') }] as const;
      }),
    );
    await provisionServiceRoles(adminUrl, [...roles.values()]);
    this.log(`Postgres roles: ${[...roles.values()].map((role) => role.role).join(', ')} (each owns only its schema)`);
    return new Map([...roles].map(([name, role]) => [name, serviceDatabaseUrl(adminUrl, role)]));
  }

  private async startBroker(): Promise<string> {
    // A free port is chosen once: a restarted broker must come back where the services look for it.
    const port = this.settings.kafkaPort || (await freePort());
    const kind = this.settings.kafkaKind;
    const name = kind === 'apache' ? 'Apache Kafka broker' : 'embedded Kafka broker';
    const dataDir = path.join(this.settings.dataDir, kind === 'apache' ? 'apache-kafka' : 'kafka');
    const logLevel = process.env.TESSERA_BROKER_LOG_LEVEL ?? 'warn';
    // Apache Kafka's first start resolves it with Maven (a download of about 40 MB)
    const startTimeoutMs = kind === 'apache' ? 600_000 : undefined;
    this.broker = new ChildSupervisor(
      name,
      () => launchBroker({ kind, port, dataDir, logLevel, startTimeoutMs, stopGraceMs: BROKER_STOP_GRACE_MS }),
      this.guarded('kafka', 'broker'),
    );
    let bootstrap: string;
    try {
      bootstrap = ((await this.broker.start()) as ChildRun & { bootstrap: string }).bootstrap;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(
        `${name} did not start on port ${port} (${reason}); if the port is taken, set TESSERA_KAFKA_PORT, or KAFKA_BROKERS to use a running Kafka`,
      );
    }
    this.broker.keepAlive();
    this.log(`${name} on ${bootstrap} (pid ${this.broker.current?.pid}, data in ${dataDir})`);
    return bootstrap;
  }
}

/** A service process as one supervised run. */
function serviceRun(service: ServiceProcess): ChildRun {
  service.start();
  const exited = service.waitForExit();
  return {
    pid: service.pid!,
    exited,
    get exitInfo() {
      return service.exited;
    },
    stop: () => service.stop(SERVICE_STOP_GRACE_MS),
  };
}
