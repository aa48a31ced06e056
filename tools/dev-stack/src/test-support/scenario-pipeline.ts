import type { ServiceName } from '@tessera/config';
import { TOPIC_SPECS } from '@tessera/contracts';
import { createKafkaClient, ensureTopics } from '@tessera/kafka';
import { createTestSchema, startTestBroker, type TestBroker, type TestSchema } from '@tessera/testing';
import { freePort } from '../free-port';
import { waitUntilReady } from '../readiness-waiter';
import { ServiceProcess } from '../service-process';

/** The services a profile passes through, from the HTTP front door to the Customer 360. */
export const PIPELINE_SERVICES = [
  'ingest-gateway',
  'validation',
  'identity-resolver',
  'profile-merger',
] as const satisfies readonly ServiceName[];
/** Services a scenario file may add to the pipeline (each costs a process, so only the files that need them do). */
export type OptionalServiceName = 'segment-evaluator' | 'activation-dispatcher' | 'connectors';
export type PipelineServiceName = (typeof PIPELINE_SERVICES)[number] | OptionalServiceName;

export interface ScenarioPipelineOptions {
  adminToken: string;
  /** TESSERA_READ_TOKEN of every service (GET routes only); none when unset. */
  readToken?: string;
  devWriteKey: string;
  readyTimeoutMs?: number;
  logLevel?: string;
  /** Started after the four pipeline services, e.g. the segment evaluator. */
  withServices?: readonly OptionalServiceName[];
}

const SERVICE_STOP_GRACE_MS = 15_000;

/**
 * The real pipeline for scenario tests: the embedded broker (in the test process), every topic of the
 * contracts catalog, and the four services as child processes started the way the dev stack starts them,
 * each on its own fresh schema of the jest Postgres so parallel test files never share tables.
 * Child processes, not in-process Nest apps: services may not import each other, and the children use both
 * cores while the test process only polls HTTP.
 */
export class ScenarioPipeline {
  private broker: TestBroker | undefined;
  private readonly schemas: TestSchema[] = [];
  private readonly schemaOf = new Map<PipelineServiceName, TestSchema>();
  private readonly services = new Map<PipelineServiceName, ServiceProcess>();

  constructor(private readonly options: ScenarioPipelineOptions) {}

  async start(): Promise<void> {
    this.broker = await startTestBroker();
    const kafka = createKafkaClient({ clientId: 'scenario-pipeline', brokers: this.broker.brokers });
    await ensureTopics(kafka, TOPIC_SPECS);
    const names: PipelineServiceName[] = [...PIPELINE_SERVICES, ...(this.options.withServices ?? [])];
    const schemas = new Map<PipelineServiceName, TestSchema>();
    for (const name of names) {
      const schema = await createTestSchema(`scenario_${name.replace(/-/g, '_')}`);
      this.schemas.push(schema);
      this.schemaOf.set(name, schema);
      schemas.set(name, schema);
    }
    await Promise.all(names.map((name) => this.startService(name, schemas.get(name)!)));
  }

  /**
   * One service on a free port, once more on another port if it exits before it is ready: on a machine shared
   * with other test runs, a port found free can be taken again before the service binds it.
   */
  private async startService(name: PipelineServiceName, schema: TestSchema): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: this.options.logLevel ?? 'warn',
        PORT: String(port),
        KAFKA_BROKERS: this.broker!.brokers.join(','),
        DATABASE_URL: schema.url,
        DATABASE_SCHEMA: schema.schema,
        TESSERA_ADMIN_TOKEN: this.options.adminToken,
        TESSERA_READ_TOKEN: this.options.readToken ?? '',
      };
      if (name === 'ingest-gateway') env.TESSERA_DEV_WRITE_KEY = this.options.devWriteKey;
      else delete env.TESSERA_DEV_WRITE_KEY;
      const service = new ServiceProcess(name, port, env);
      service.start();
      this.services.set(name, service);
      try {
        await waitUntilReady(service, this.options.readyTimeoutMs ?? 120_000);
        return;
      } catch (error) {
        if (attempt >= 2 || !service.exited) throw error;
      }
    }
  }

  /** The embedded broker's addresses, for scenarios that publish what a service not in the pipeline would. */
  brokers(): string[] {
    if (!this.broker) throw new Error('the pipeline was not started');
    return this.broker.brokers;
  }

  url(name: PipelineServiceName): string {
    const service = this.services.get(name);
    if (!service) throw new Error(`${name} was not started`);
    return service.url;
  }

  /** A running service's own schema, for seeding what its API cannot take yet (e.g. destinations without adapters). */
  schema(name: PipelineServiceName): TestSchema {
    const schema = this.schemaOf.get(name);
    if (!schema) throw new Error(`${name} was not started`);
    return schema;
  }

  /** Services first (they drain into Kafka and Postgres), then the broker, then the schemas. */
  async stop(): Promise<void> {
    await Promise.all([...this.services.values()].map((service) => service.stop(SERVICE_STOP_GRACE_MS)));
    await this.broker?.stop();
    await Promise.all(this.schemas.map((schema) => schema.drop()));
  }
}
