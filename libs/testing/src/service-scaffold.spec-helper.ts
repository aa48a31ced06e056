import { TOPIC_SPECS } from '@tessera/contracts';
import { createTestSchema, type TestSchema } from './test-database';
import { createTestTopics, startTestBroker, type TestBroker } from './test-broker';
import { findRouteAccessProblems } from './route-access-check';

const SCAFFOLD_ADMIN_TOKEN = 'scaffold-admin-token-0123456789';
const SCAFFOLD_READ_TOKEN = 'scaffold-read-token-0123456789';

export interface ScaffoldUnderTest {
  url: string;
  close(): Promise<void>;
}

export interface ServiceScaffoldSpec {
  /** Catalog name, e.g. `profile-merger`. */
  name: string;
  /** Starts the service against the given schema and broker (a `startServiceForTest(AppModule, ...)` call). */
  start(settings: {
    databaseUrl: string;
    schema: string;
    kafkaBrokers: string;
    adminToken: string;
    readToken: string;
  }): Promise<ScaffoldUnderTest>;
  /** OpenAPI paths the service must document, beyond the probes. */
  openApiPaths?: string[];
  /** Paths served without a bearer token beyond the probes and /metrics: only ingest, which takes write keys. */
  publicPaths?: RegExp[];
}

/**
 * The probes every service owes the platform (issue 3): it migrates its own schema, is ready with database and Kafka
 * checks, and serves liveness, metrics and OpenAPI. Shared so six services do not keep six copies of the same spec;
 * the service is started by the caller so this helper needs no service-kit import.
 */
export function describeServiceScaffold(spec: ServiceScaffoldSpec): void {
  describe(`${spec.name} scaffold (embedded Postgres and broker, real HTTP)`, () => {
    let schema: TestSchema;
    let broker: TestBroker;
    let service: ScaffoldUnderTest;

    beforeAll(async () => {
      broker = await startTestBroker();
      // Every catalog topic, as the dev stack and the deploy files' create-topics provide them.
      await createTestTopics(
        broker.brokers,
        TOPIC_SPECS.map((topic) => ({ topic: topic.name, numPartitions: topic.partitions })),
      );
      schema = await createTestSchema(spec.name.replace(/-/g, '_'));
      service = await spec.start({
        databaseUrl: schema.url,
        schema: schema.schema,
        kafkaBrokers: broker.brokers.join(','),
        adminToken: SCAFFOLD_ADMIN_TOKEN,
        readToken: SCAFFOLD_READ_TOKEN,
      });
    });

    afterAll(async () => {
      await service?.close();
      await schema?.drop();
      await broker?.stop();
    });

    it('migrates its own schema at start', async () => {
      const { rows } = await schema.pool.query<{ table_name: string }>(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
        [schema.schema],
      );
      expect(rows.map((row) => row.table_name)).toEqual(
        expect.arrayContaining(['kafka_consumer_offsets', 'kafka_outbox_batches', 'kafka_inbox_sequences', 'typeorm_migrations']),
      );
    });

    it('is ready, with the database and Kafka checks passing', async () => {
      const res = await fetch(`${service.url}/readyz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        service: spec.name,
        status: 'ready',
        checks: { database: { ok: true }, kafka: { ok: true } },
      });
    });

    it('serves liveness, metrics and its OpenAPI document', async () => {
      expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
      const metrics = await (await fetch(`${service.url}/metrics`)).text();
      expect(metrics).toContain(`service="${spec.name}"`);
      const openapi = (await (await fetch(`${service.url}/openapi.json`)).json()) as {
        info: { title: string };
        paths: Record<string, unknown>;
      };
      expect(openapi.info.title).toBe(`Tessera ${spec.name}`);
      expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(spec.openApiPaths ?? []));
    });

    it('refuses every route of its OpenAPI document without a token (401), and the read token on writes (403)', async () => {
      expect(
        await findRouteAccessProblems(service.url, { adminToken: SCAFFOLD_ADMIN_TOKEN, readToken: SCAFFOLD_READ_TOKEN }, spec.publicPaths),
      ).toEqual([]);
    });
  });
}
