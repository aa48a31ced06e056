import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Topics } from '@tessera/contracts';
import { eventually, RecordingHttpServer, TopicCollector } from '@tessera/testing';
import { ConnectorsApi } from '../test-support/connectors-api';
import type { Json } from '../test-support/scenario-client';
import { SCENARIO_ADMIN_TOKEN, type ScenarioSuite } from '../test-support/scenario-suite';

/**
 * The built-in file, HTTP API and Singer connectors run by the connectors service (a child process on this machine,
 * so it reads the test's folder, local server and tap script), through validation, the resolver and the merger;
 * every result is read back through the profile API or validation's rejections.
 */

const FAKE_TAP = path.resolve(__dirname, '../../../../libs/connectors/src/test-support/fake-tap.js');

export function connectorsFilesHttpSingerScenarios({ client, send, url, brokers }: ScenarioSuite): void {
  const connectors = new ConnectorsApi(() => url('connectors'));
  const folder = mkdtempSync(path.join(tmpdir(), 'tessera-connectors-scenario-'));
  const write = (name: string, text: string): void => writeFileSync(path.join(folder, name), text);

  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('a CRM CSV with custom columns (Tier -> loyalty_tier, Brand as the brand column) sets its traits on the profiles web identifies created, matched by email', async () => {
    await send('identify', { userId: 'u-csv-ana', traits: { email: 'ana.csv@example.com', firstName: 'Ana' }, messageId: 'csv-web-ana' });
    await send('identify', { userId: 'u-csv-ben', traits: { email: 'ben.csv@example.com', firstName: 'Ben' }, messageId: 'csv-web-ben' });
    const ana = await client.waitForProfile('user_id', 'u-csv-ana', (p) => p.traits.email === 'ana.csv@example.com');
    const ben = await client.waitForProfile('user_id', 'u-csv-ben', (p) => p.traits.email === 'ben.csv@example.com');

    write(
      'crm-2026-12-05.csv',
      ['Email,Tier,Brand,Internal Notes', 'Ana.CSV@Example.com,gold,acme,call back', 'ben.csv@example.com,silver,globex,', ''].join('\n'),
    );
    await connectors.createConnection({
      id: 'crm-csv',
      connector: 'files',
      config: { directory: folder, streams: [{ name: 'contacts', pattern: 'crm-*.csv', format: 'csv' }] },
      streams: [{ name: 'contacts', mapping: { Email: 'email', Tier: 'loyalty_tier' }, identifierField: 'Email', brandField: 'Brand' }],
      schedule: null,
    });
    const run = await connectors.runToEnd('crm-csv');
    expect(run).toMatchObject({ state: 'succeeded', recordsEmitted: 2 });

    const anaAfter = await client.waitForProfile('user_id', 'u-csv-ana', (p) => p.traits.loyalty_tier === 'gold');
    expect(anaAfter.profileId).toBe(ana.profileId);
    expect(anaAfter.traits).toMatchObject({ 'given-name': 'Ana', email: 'ana.csv@example.com', loyalty_tier: 'gold', brand: 'acme' });
    expect(anaAfter.traits).not.toHaveProperty('Tier');
    expect(anaAfter.traits).not.toHaveProperty('Internal Notes');
    expect(anaAfter.traitProvenance.loyalty_tier.origin).toEqual({
      connectionId: 'crm-csv',
      runId: run.id,
      stream: 'contacts',
      rowKey: 'crm-2026-12-05.csv:1',
    });
    const benAfter = await client.waitForProfile('user_id', 'u-csv-ben', (p) => p.traits.loyalty_tier === 'silver');
    expect(benAfter.profileId).toBe(ben.profileId);
    expect(benAfter.traits).toMatchObject({ 'given-name': 'Ben', loyalty_tier: 'silver', brand: 'globex' });
  }, 120_000);

  it('a CSV row without an identifier is rejected by validation with its connection, run and row number; the rest of the file lands', async () => {
    write(
      'bad-rows.csv',
      [
        'customer_id,email,Tier',
        'K-1,kim.bad@example.com,gold',
        'K-2,lee.bad@example.com,silver',
        ',nobody.bad@example.com,bronze',
        'K-4,max.bad@example.com,gold',
        '',
      ].join('\n'),
    );
    await connectors.createConnection({
      id: 'crm-bad-rows',
      connector: 'files',
      config: { directory: folder, streams: [{ name: 'customers', pattern: 'bad-*.csv', format: 'csv', primaryKey: 'customer_id' }] },
      streams: [{ name: 'customers', mapping: { Tier: 'loyalty_tier' }, identifierField: 'customer_id' }],
      schedule: null,
    });
    const run = await connectors.runToEnd('crm-bad-rows');
    expect(run).toMatchObject({ state: 'succeeded', recordsEmitted: 4 });

    const rejections = await eventually(
      async () => {
        const res = await fetch(`${client.urlOf('validation')}/v1/rejections?connectionId=crm-bad-rows`, {
          headers: { authorization: `Bearer ${SCENARIO_ADMIN_TOKEN}` },
        });
        expect(res.status).toBe(200);
        const page: Json = await res.json();
        return page.rejections.length > 0 ? page.rejections : undefined;
      },
      30_000,
      "the bad row's rejection",
    );
    expect(rejections).toEqual([
      expect.objectContaining({
        reason: 'missing_identity',
        origin: { connectionId: 'crm-bad-rows', runId: run.id, stream: 'customers', rowKey: 'bad-rows.csv:3' },
      }),
    ]);
    const report = await fetch(`${client.urlOf('validation')}/v1/reports/input-validation/connections/crm-bad-rows`, {
      headers: { authorization: `Bearer ${SCENARIO_ADMIN_TOKEN}` },
    });
    expect(await report.json()).toMatchObject({ rejected: 1, byReason: { missing_identity: 1 }, runs: [{ runId: run.id, rejected: 1 }] });
    // the run counts it too, once validation's rejection has come back to the connectors service
    const counted = await eventually(
      async () => {
        const now = await connectors.run(run.id);
        return now.recordsRejectedDownstream > 0 ? now : undefined;
      },
      30_000,
      "the run's downstream rejection",
    );
    expect(counted).toMatchObject({ recordsRejected: 1, recordsRefused: 0, recordsRejectedDownstream: 1 });

    for (const [id, tier] of [
      ['K-1', 'gold'],
      ['K-2', 'silver'],
      ['K-4', 'gold'],
    ]) {
      const profile = await client.waitForProfile('crm_id', id, (p) => p.traits.loyalty_tier === tier);
      expect(profile.traitProvenance.loyalty_tier.origin).toMatchObject({ connectionId: 'crm-bad-rows', rowKey: id });
    }
    // the unmapped email column never reached a profile (only mapped fields are sent)
    expect((await client.profileByIdentifier('email', 'kim.bad@example.com')).status).toBe(404);
  }, 120_000);

  it('a CSV without a primary key, rewritten without its first row: a full refresh unsets only the customer who left and merges no two customers', async () => {
    const tiers: Record<string, string> = { 'P-1': 'gold', 'P-2': 'silver', 'P-3': 'bronze' };
    const people = (ids: string[]) => ['id,Tier', ...ids.map((id) => `${id},${tiers[id]}`), ''].join('\n');
    write('people-export.csv', people(['P-1', 'P-2', 'P-3']));
    await connectors.createConnection({
      id: 'crm-keyless',
      connector: 'files',
      config: { directory: folder, streams: [{ name: 'people', pattern: 'people-*.csv', format: 'csv' }] },
      streams: [{ name: 'people', mapping: { Tier: 'loyalty_tier' }, identifierField: 'id' }],
      schedule: null,
      unsetMissingOnFullRefresh: true,
    });
    expect(await connectors.runToEnd('crm-keyless')).toMatchObject({ state: 'succeeded', recordsEmitted: 3 });
    const before = await client.waitForProfile('crm_id', 'P-3', (p) => p.traits.loyalty_tier === 'bronze');

    // P-2 and P-3 now stand at rows 1 and 2: the rows P-1 and P-2 held before
    write('people-export.csv', people(['P-2', 'P-3']));
    const run = await connectors.runToEnd('crm-keyless', { fullRefresh: true });
    expect(run).toMatchObject({ state: 'succeeded', recordsEmitted: 2, disappeared: 1 });
    expect(await connectors.disappeared(run.id)).toEqual([{ stream: 'people', rowKey: 'P-1' }]);

    const left = await client.waitForProfile('crm_id', 'P-1', (p) => !('loyalty_tier' in p.traits));
    // P-2 was silver before the refresh too: wait for the refresh's record itself (it may land after P-1's)
    const p2 = await client.waitForProfile('crm_id', 'P-2', (p) => p.traitProvenance.loyalty_tier?.origin?.runId === run.id);
    expect(p2.traits.loyalty_tier).toBe('silver');
    const p3 = await client.waitForProfile('crm_id', 'P-3', (p) => p.traits.loyalty_tier === 'bronze');
    expect(p3.profileId).toBe(before.profileId);
    expect(new Set([left.profileId, p2.profileId, p3.profileId]).size).toBe(3);
    expect(p2.traitProvenance.loyalty_tier.origin).toEqual({
      connectionId: 'crm-keyless',
      runId: run.id,
      stream: 'people',
      rowKey: 'people-export.csv:1',
    });
  }, 120_000);

  it('a paginated HTTP API that answers 429 with Retry-After: 1 in the middle: every record lands exactly once', async () => {
    const customers = Array.from({ length: 7 }, (_, i) => ({
      id: `H-${i + 1}`,
      email: `h${i + 1}.api@example.com`,
      plan: i % 2 === 0 ? 'pro' : 'free',
    }));
    let throttled = false;
    const api = await new RecordingHttpServer((request) => {
      const page = Number(new URL(request.path, 'http://api').searchParams.get('page'));
      if (page === 2 && !throttled) {
        throttled = true;
        return { status: 429, headers: { 'retry-after': '1' }, body: { error: 'slow down' } };
      }
      return { status: 200, body: { data: customers.slice((page - 1) * 3, page * 3) } };
    }).start();
    const raw = new TopicCollector(brokers(), [Topics.RecordsRaw], 'scenario-connectors-raw');
    await raw.start();
    try {
      await connectors.createConnection({
        id: 'crm-api',
        connector: 'http',
        config: {
          baseUrl: api.url(''),
          auth: { type: 'none' },
          streams: [
            {
              name: 'customers',
              path: '/v1/customers',
              recordsPath: '$.data[*]',
              primaryKey: ['id'],
              pagination: { type: 'page', pageParam: 'page' },
            },
          ],
        },
        streams: [{ name: 'customers', mapping: { email: 'email', plan: 'plan' }, identifierField: 'id' }],
        schedule: null,
      });
      const run = await connectors.runToEnd('crm-api');
      expect(run).toMatchObject({ state: 'succeeded', recordsEmitted: customers.length, error: null });
      // check and discover each fetched the first page when the connection was created; the read's own requests follow
      const pagesAsked = api.requests.map((r) => new URL(r.path, 'http://api').searchParams.get('page'));
      expect(pagesAsked.slice(-5)).toEqual(['1', '2', '2', '3', '4']);
      expect(api.requests.filter((r) => r.path.includes('page=2')).length).toBe(2);

      for (const customer of customers) {
        const profile = await client.waitForProfile('crm_id', customer.id, (p) => p.traits.plan === customer.plan);
        expect(profile.traits.email).toBe(customer.email);
        expect(profile.traitProvenance.plan.origin).toMatchObject({ connectionId: 'crm-api', runId: run.id, rowKey: customer.id });
      }
      // exactly once on the topic too: one message per row, none repeated after the 429's retry
      const fromThisConnection = () => raw.all(Topics.RecordsRaw).filter((m) => m.value.origin?.connectionId === 'crm-api');
      await raw.waitFor(Topics.RecordsRaw, (r) => r.origin?.connectionId === 'crm-api', customers.length);
      expect(
        fromThisConnection()
          .map((m) => m.value.origin?.rowKey)
          .sort(),
      ).toEqual(customers.map((c) => c.id).sort());
    } finally {
      await raw.stop();
      await api.stop();
    }
  }, 120_000);

  it('the fake Singer tap runs twice with state: the second run emits only the new records, and the profiles show them', async () => {
    const dataFile = path.join(folder, 'singer-source.json');
    const row = (id: string, tier: string, updatedAt: string) => ({
      id,
      email: `${id.toLowerCase()}.singer@example.com`,
      tier,
      updated_at: updatedAt,
    });
    const firstRows = [
      row('S-1', 'gold', '2026-12-01T10:00:00Z'),
      row('S-2', 'silver', '2026-12-01T11:00:00Z'),
      row('S-3', 'bronze', '2026-12-01T12:00:00Z'),
    ];
    writeFileSync(dataFile, JSON.stringify({ customers: firstRows }));
    await connectors.createConnection({
      id: 'crm-singer',
      connector: 'singer',
      config: { command: process.execPath, args: [FAKE_TAP], tapConfig: { dataFile, stateEvery: 2 } },
      streams: [
        { name: 'customers', mapping: { email: 'email', tier: 'loyalty_tier' }, identifierField: 'id', observedAtField: 'updated_at' },
      ],
      schedule: null,
    });

    const first = await connectors.runToEnd('crm-singer');
    expect(first).toMatchObject({ state: 'succeeded', recordsEmitted: 3, error: null });
    for (const r of firstRows) await client.waitForProfile('crm_id', r.id, (p) => p.traits.loyalty_tier === r.tier);

    const newRows = [row('S-4', 'platinum', '2026-12-02T09:00:00Z'), row('S-5', 'gold', '2026-12-02T10:00:00Z')];
    writeFileSync(dataFile, JSON.stringify({ customers: [...firstRows, ...newRows] }));
    const second = await connectors.runToEnd('crm-singer');
    expect(second).toMatchObject({ state: 'succeeded', recordsEmitted: 2, cursorBefore: { customers: first.cursorAfter.customers } });

    for (const r of newRows) {
      const profile = await client.waitForProfile('crm_id', r.id, (p) => p.traits.loyalty_tier === r.tier);
      expect(profile.traits.email).toBe(r.email);
      expect(profile.traitProvenance.loyalty_tier.origin).toMatchObject({ connectionId: 'crm-singer', runId: second.id, rowKey: r.id });
    }
    const old = await client.waitForProfile('crm_id', 'S-1', () => true);
    expect(old.traitProvenance.loyalty_tier.origin.runId).toBe(first.id);
  }, 120_000);

  it('a full-table Singer tap (ACTIVATE_VERSION): a customer deleted at the source is reported gone by the next run, and its traits unset', async () => {
    const dataFile = path.join(folder, 'singer-full-table.json');
    const row = (id: string, tier: string) => ({
      id,
      email: `${id.toLowerCase()}.full@example.com`,
      tier,
      updated_at: '2026-12-01T10:00:00Z',
    });
    writeFileSync(dataFile, JSON.stringify({ customers: [row('T-1', 'gold'), row('T-2', 'silver'), row('T-3', 'bronze')] }));
    await connectors.createConnection({
      id: 'crm-singer-full',
      connector: 'singer',
      config: { command: process.execPath, args: [FAKE_TAP], tapConfig: { dataFile, activateVersion: true } },
      streams: [{ name: 'customers', mapping: { email: 'email', tier: 'loyalty_tier' }, identifierField: 'id' }],
      schedule: null,
      unsetMissingOnFullRefresh: true,
    });
    expect(await connectors.runToEnd('crm-singer-full')).toMatchObject({ state: 'succeeded', recordsEmitted: 3 });
    await client.waitForProfile('crm_id', 'T-2', (p) => p.traits.loyalty_tier === 'silver');

    writeFileSync(dataFile, JSON.stringify({ customers: [row('T-1', 'gold'), row('T-3', 'bronze')] }));
    // not a requested full refresh: the tap's own full-table pass says which rows are gone
    const run = await connectors.runToEnd('crm-singer-full');
    expect(run).toMatchObject({ state: 'succeeded', fullRefresh: false, recordsEmitted: 2, disappeared: 1 });
    expect(await connectors.disappeared(run.id)).toEqual([{ stream: 'customers', rowKey: 'T-2' }]);
    const gone = await client.waitForProfile('crm_id', 'T-2', (p) => !('loyalty_tier' in p.traits));
    expect(gone.traits).not.toHaveProperty('email'); // every attribute the row brought
    expect((await client.waitForProfile('crm_id', 'T-3', () => true)).traits.loyalty_tier).toBe('bronze');
  }, 120_000);
}
