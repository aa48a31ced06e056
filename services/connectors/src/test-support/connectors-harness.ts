import type { Connector } from '@tessera/connector-sdk';
import { TOPIC_SPECS } from '@tessera/contracts';
import { OffsetClock, type RunningService, startServiceForTest } from '@tessera/service-kit';
import { createTestSchema, createTestTopics, eventually, startTestBroker, type TestBroker, type TestSchema } from '@tessera/testing';
import { appModuleWithCatalog } from '../app.module';
import type { ConnectorSettings } from '../config/connector-settings';
import { ScheduleTrigger } from '../schedules/schedule-trigger';
import { generatedRowsConnector } from './generated-rows.connector';
import { RawRecordsReader } from './raw-records-reader';

export type JsonBody = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const ADMIN = 'test-admin-token';

/** The connectors service in-process on the embedded broker and a fresh schema, with a test connector catalog. */
export class ConnectorsHarness {
  broker!: TestBroker;
  schema!: TestSchema;
  service!: RunningService;
  reader!: RawRecordsReader;

  async start(
    schemaName: string,
    connectors: ReadonlyArray<Connector<never>> = [generatedRowsConnector as Connector<never>],
    settings: Partial<ConnectorSettings> = {},
  ): Promise<void> {
    this.broker = await startTestBroker();
    await createTestTopics(
      this.broker.brokers,
      TOPIC_SPECS.map((spec) => ({ topic: spec.name, numPartitions: spec.partitions })),
    );
    this.schema = await createTestSchema(schemaName);
    this.service = await startServiceForTest(
      appModuleWithCatalog(() => connectors, { pollMs: 50, leaseMs: 3_000, ...settings }),
      'connectors',
      {
        databaseUrl: this.schema.url,
        schema: this.schema.schema,
        kafkaBrokers: this.broker.brokers.join(','),
        adminToken: ADMIN,
      },
    );
    this.reader = new RawRecordsReader(this.broker.brokers);
    await this.reader.start();
  }

  async stop(): Promise<void> {
    await this.reader?.stop();
    await this.service?.close();
    await this.schema?.drop();
    await this.broker?.stop();
  }

  get clock(): OffsetClock {
    return this.service.app.get(OffsetClock);
  }

  get scheduler(): ScheduleTrigger {
    return this.service.app.get(ScheduleTrigger);
  }

  async http(method: string, path: string, body?: unknown): Promise<{ status: number; body: JsonBody }> {
    const res = await fetch(`${this.service.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  /** A generated-rows connection on stream `rows`: email as email, tier as loyalty_tier, id as the crm_id. */
  async connection(id: string, config: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<JsonBody> {
    const res = await this.http('POST', '/v1/connections', {
      id,
      connector: 'generated-rows',
      config,
      sourceId: `src-${id}`,
      streams: [{ name: 'rows', mapping: { email: 'email', tier: 'loyalty_tier' }, identifierField: 'id' }],
      ...extra,
    });
    if (res.status !== 201) throw new Error(`connection ${id}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async runNow(connectionId: string, body: Record<string, unknown> = {}): Promise<JsonBody> {
    const res = await this.http('POST', `/v1/connections/${connectionId}/runs`, body);
    if (res.status !== 201) throw new Error(`run ${connectionId}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async waitForRun(runId: string, states: string[] = ['succeeded', 'failed', 'cancelled'], timeoutMs = 60_000): Promise<JsonBody> {
    return this.waitFor(
      async () => {
        const run = (await this.http('GET', `/v1/runs/${runId}`)).body;
        return states.includes(run.state) ? run : undefined;
      },
      timeoutMs,
      `run ${runId} in ${states.join('|')}`,
    );
  }

  /** Waits until `count` records of the run are on cdp.records.raw (and returns them). */
  async recordsOf(runId: string, count: number, timeoutMs = 30_000) {
    return this.waitFor(
      async () => {
        const records = this.reader.ofRun(runId);
        return records.length >= count ? records : undefined;
      },
      timeoutMs,
      `${count} records of run ${runId} (have ${this.reader.ofRun(runId).length})`,
    );
  }

  waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
    return eventually(probe, timeoutMs, what) as Promise<T>;
  }
}
