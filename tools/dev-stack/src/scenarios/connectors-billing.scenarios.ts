import { createTestSourceDatabase, type TestSourceDatabase } from '@tessera/testing';
import { ConnectorsApi } from '../test-support/connectors-api';
import { type ScenarioSuite } from '../test-support/scenario-suite';

/**
 * Seed 002's billing case through the whole running pipeline: a billing table in a Postgres source database, read by
 * the connectors service's Postgres connector, mapped and cast, through validation, the resolver and the merger, and
 * checked through the profile API. The daily schedule itself is tested in the service; here runs are started by hand.
 */
export function connectorsBillingScenarios({ client, url }: ScenarioSuite): void {
  const connectors = new ConnectorsApi(() => url('connectors'));
  let source: TestSourceDatabase;

  beforeAll(async () => {
    source = await createTestSourceDatabase('billing_src');
    await source.pool.query(`CREATE TABLE billing_accounts (
      customer_id text PRIMARY KEY, email text, contract_end_date date, renewal_status text, updated_at timestamptz NOT NULL)`);
    await source.pool.query(
      `INSERT INTO billing_accounts VALUES
        ('C-1001', 'ana.billing@example.com', '2027-03-31', 'pending', '2026-11-01T08:00:00Z'),
        ('C-1002', 'ben.billing@example.com', '2027-06-30', 'renewed', '2026-11-02T08:00:00Z'),
        ('C-1003', 'cai.billing@example.com', '2026-12-31', 'at_risk', '2026-11-03T08:00:00Z')`,
    );
  });

  afterAll(async () => {
    await source?.drop();
  });

  it('the initial sync sets the billing traits; an updated row is the only record of the incremental sync and the profile shows its new renewal_status', async () => {
    const connection = await connectors.createConnection({
      id: 'billing',
      name: 'Billing accounts',
      connector: 'postgres',
      config: {
        connectionString: source.url,
        streams: [{ name: 'billing_accounts', table: 'billing_accounts', replicationKey: 'updated_at', primaryKey: ['customer_id'] }],
      },
      sourceId: 'billing',
      streams: [
        {
          name: 'billing_accounts',
          mapping: { email: 'email', renewal_status: 'renewal_status', contract_end_date: { to: 'contract_end_date', cast: 'date' } },
          identifierField: 'customer_id',
          observedAtField: 'updated_at',
        },
      ],
      schedule: { kind: 'daily', at: '06:00' },
      timezone: 'Europe/Berlin',
    });

    // the daily schedule is armed: its next run is the next 06:00 on Berlin's clock (an hour that exists every day, DST or not)
    const nextRunAt = Date.parse(connection.nextRunAt);
    expect(nextRunAt).toBeGreaterThan(Date.now());
    expect(nextRunAt - Date.now()).toBeLessThanOrEqual(25 * 3_600_000);
    expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit' }).format(nextRunAt)).toBe(
      '06:00',
    );

    const initial = await connectors.runToEnd('billing');
    expect(initial).toMatchObject({ state: 'succeeded', recordsEmitted: 3, error: null });
    const ana = await client.waitForProfile('crm_id', 'C-1001', (p) => p.traits.renewal_status === 'pending');
    expect(ana.traits).toMatchObject({ email: 'ana.billing@example.com', contract_end_date: '2027-03-31', renewal_status: 'pending' });
    expect(ana.traitProvenance.renewal_status.origin).toMatchObject({
      connectionId: 'billing',
      runId: initial.id,
      stream: 'billing_accounts',
      rowKey: 'C-1001',
    });
    const ben = await client.waitForProfile('email', 'ben.billing@example.com', (p) => p.traits.renewal_status === 'renewed');
    expect(ben.traits.contract_end_date).toBe('2027-06-30');
    await client.waitForProfile('crm_id', 'C-1003', (p) => p.traits.renewal_status === 'at_risk');

    await source.pool.query(
      `UPDATE billing_accounts SET renewal_status = 'renewed', updated_at = '2026-12-05T09:00:00Z' WHERE customer_id = 'C-1001'`,
    );
    const incremental = await connectors.runToEnd('billing');
    expect(incremental).toMatchObject({ state: 'succeeded', fullRefresh: false, recordsEmitted: 1 });

    const renewed = await client.waitForProfile('crm_id', 'C-1001', (p) => p.traits.renewal_status === 'renewed');
    expect(renewed.profileId).toBe(ana.profileId);
    expect(renewed.traitProvenance.renewal_status.origin).toMatchObject({
      connectionId: 'billing',
      runId: incremental.id,
      rowKey: 'C-1001',
    });
    const untouched = await client.waitForProfile('crm_id', 'C-1003', () => true);
    expect(untouched.traits.renewal_status).toBe('at_risk');
    expect(untouched.traitProvenance.renewal_status.origin.runId).toBe(initial.id);
  }, 120_000);
}
