import type { Connector } from '@tessera/connector-sdk';
import { startServiceForTest, type RunningService } from '@tessera/service-kit';
import { appModuleWithCatalog } from '../app.module';
import { ConnectorsHarness } from '../test-support/connectors-harness';
import { generatedRowsConnector } from '../test-support/generated-rows.connector';

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `r-${from + i}`);

describe('a graceful stop hands a running run over (embedded broker + Postgres)', () => {
  const h = new ConnectorsHarness();
  let second: RunningService | undefined;
  // a lease far longer than the test: only a lease given back lets the second instance resume in time
  beforeAll(() => h.start('conn_handover', undefined, { leaseMs: 600_000 }), 120_000);
  afterAll(async () => {
    await second?.close();
    await h.stop();
  });

  it('gives the lease back at shutdown, and another instance resumes the run from its last checkpoint', async () => {
    await h.connection('handover', { rows: 300, checkpointEvery: 20, delayMs: 50 });
    const run = await h.runNow('handover');
    await h.waitFor(
      async () => ((await h.http('GET', `/v1/runs/${run.id}`)).body.checkpoints >= 2 ? true : undefined),
      20_000,
      'two checkpoints',
    );
    await h.service.close();
    const { rows } = await h.schema.pool.query(`SELECT state, lease_owner, records_emitted FROM runs WHERE run_id = $1`, [run.id]);
    expect(rows[0]).toMatchObject({ state: 'running', lease_owner: null });
    const emittedAtStop = Number(rows[0].records_emitted);

    second = await startServiceForTest(
      appModuleWithCatalog(() => [generatedRowsConnector as Connector<never>], { pollMs: 50, leaseMs: 600_000 }),
      'connectors',
      {
        databaseUrl: h.schema.url,
        schema: h.schema.schema,
        kafkaBrokers: h.broker.brokers.join(','),
        adminToken: 'test-admin-token',
      },
    );
    const done = await h.waitFor(
      async () => {
        const r = await h.schema.pool.query(`SELECT state, attempts, records_emitted FROM runs WHERE run_id = $1`, [run.id]);
        return r.rows[0].state === 'succeeded' ? r.rows[0] : undefined;
      },
      60_000,
      'the run to succeed on the second instance',
    );
    expect(done).toMatchObject({ attempts: 2, records_emitted: '300' });
    expect(emittedAtStop).toBeLessThan(300);
    const rowKeys = (await h.recordsOf(run.id, 300)).map((r) => r.origin!.rowKey);
    await new Promise((r) => setTimeout(r, 300));
    expect(h.reader.ofRun(run.id)).toHaveLength(300);
    expect(rowKeys.sort((a, b) => Number(a.slice(2)) - Number(b.slice(2)))).toEqual(range(0, 300));
  });
});
