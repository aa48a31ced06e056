import { encode, Topics, type RawRecordInput } from '@tessera/contracts';
import { createTestProducer, eventually } from '@tessera/testing';
import type { Producer } from 'kafkajs';
import type { Json } from '../test-support/scenario-client';
import { SCENARIO_ADMIN_TOKEN, timeAfter, type ScenarioSuite } from '../test-support/scenario-suite';

/**
 * Business-system records with custom attribute names and casts, through the whole running pipeline: POST
 * /v1/records as a CRM sends it, and records carrying a connector origin published to cdp.records.raw the way the
 * connectors service does. Every assertion reads a public HTTP API (profiles, rejections, the per-connection report).
 */

const at = timeAfter(Date.UTC(2026, 2, 1));

export function recordMappingScenarios({ client, send, brokers }: ScenarioSuite): void {
  let producer: Producer;

  beforeAll(async () => {
    producer = createTestProducer(brokers(), 'scenario-connector');
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
  });

  const validationGet = async (path: string): Promise<Json> => {
    const res = await fetch(`${client.urlOf('validation')}${path}`, { headers: { authorization: `Bearer ${SCENARIO_ADMIN_TOKEN}` } });
    expect(res.status).toBe(200);
    return res.json();
  };
  /** What the connectors service does for each row it reads: a RawRecord v2 with its origin, keyed sourceId:recordId. */
  const publishAsConnector = async (records: RawRecordInput[]): Promise<void> => {
    await producer.send({
      topic: Topics.RecordsRaw,
      acks: -1,
      messages: records.map((r) => ({ key: `${r.sourceId}:${r.recordId}`, value: encode(Topics.RecordsRaw, r) })),
    });
  };

  it('a CRM batch with Tier -> loyalty_tier and a cast contract end date lands on the profile a web identify created; a row without identifier is rejected', async () => {
    await send('identify', {
      userId: 'u-rm-ada',
      traits: { email: 'ada.rm@example.com', firstName: 'Ada', loyalty_tier: 'bronze' },
      timestamp: at(0),
      messageId: 'rm-web-identify',
    });
    const web = await client.waitForProfile('user_id', 'u-rm-ada', (p) => p.traits.loyalty_tier === 'bronze');

    const crm = await client.createSource('crm-record-mapping');
    await client.setSourcePriority(crm.id, 1);
    await client.sendRecords(crm.writeKey, {
      mapping: {
        Email: 'email',
        Tier: 'loyalty_tier',
        End: { to: 'contract_end_date', cast: 'date' },
        Spend: { to: 'lifetime_spend', cast: 'number' },
        Vip: { to: 'vip', cast: 'boolean' },
      },
      records: [
        {
          recordId: 'rm-c-1',
          objectType: 'contact',
          observedAt: at(10),
          attributes: { Email: ' Ada.RM@Example.com ', Tier: 'gold', End: '2027-03-31', Spend: '1,234.50', Vip: 'Yes', Region: 'EMEA' },
        },
        { recordId: 'rm-c-2', objectType: 'contact', observedAt: at(10), attributes: { Tier: 'silver', End: '2027-06-30' } },
      ],
    });

    const profile = await client.waitForProfile('email', 'ada.rm@example.com', (p) => p.traits.loyalty_tier === 'gold');
    expect(profile.profileId).toBe(web.profileId);
    expect(profile.traits).toMatchObject({
      'given-name': 'Ada',
      loyalty_tier: 'gold',
      contract_end_date: '2027-03-31',
      lifetime_spend: 1234.5,
      vip: true,
      Region: 'EMEA',
    });
    expect(profile.traits).not.toHaveProperty('Tier');
    expect(profile.traitProvenance.loyalty_tier).toMatchObject({ sourceId: crm.id, priority: 1, origin: null });

    const rejected = await client.waitForMatch(
      () => client.rejections(crm.id),
      (r) => r.reason === 'missing_identity',
    );
    expect(rejected).toMatchObject({ itemKind: 'record', path: 'mapping', origin: null });
    expect(rejected.original.key).toBe(`${crm.id}:rm-c-2`);
  });

  it("a connector's record shows its connection, run and row in the trait's provenance; its bad cast is listed per connection and run; a later null falls back to the web value", async () => {
    await send('identify', {
      userId: 'u-rm-bo',
      traits: { email: 'bo.rm@example.com', loyalty_tier: 'bronze' },
      timestamp: at(100),
      messageId: 'rm-web-bo',
    });
    await client.waitForProfile('user_id', 'u-rm-bo', (p) => p.traits.loyalty_tier === 'bronze');
    const crm = await client.createSource('crm-connector');
    await client.setSourcePriority(crm.id, 1);

    const origin = (runId: string, row: number) => ({
      connectionId: 'conn-rm-crm',
      runId,
      stream: 'contacts',
      rowKey: `contacts.csv:${row}`,
    });
    const row = (recordId: string, attributes: Json, runId: string, rowNumber: number, seconds: number): RawRecordInput => ({
      messageId: `${runId}-${recordId}`,
      sourceId: crm.id,
      receivedAt: Date.now(),
      objectType: 'contact',
      recordId,
      mapping: { Email: 'email' },
      renames: { Tier: 'loyalty_tier', End: 'contract_end_date' },
      casts: { End: 'date' },
      attributes: JSON.stringify(attributes),
      observedAt: at(seconds),
      origin: origin(runId, rowNumber),
    });
    await publishAsConnector([
      row('rm-k-1', { Email: 'bo.rm@example.com', Tier: 'platinum', End: '2027-12-31T22:00:00-05:00' }, 'run-rm-1', 2, 110),
      row('rm-k-2', { Email: 'cy.rm@example.com', Tier: 'gold', End: '31/12/2027' }, 'run-rm-1', 3, 110),
    ]);

    const profile = await client.waitForProfile('email', 'bo.rm@example.com', (p) => p.traits.loyalty_tier === 'platinum');
    expect(profile.traits.contract_end_date).toBe('2028-01-01T03:00:00.000Z');
    expect(profile.traitProvenance.loyalty_tier).toEqual({
      sourceId: crm.id,
      priority: 1,
      occurredAt: at(110),
      messageId: 'run-rm-1-rm-k-1',
      mode: 'set',
      origin: origin('run-rm-1', 2),
    });

    const listed = await eventually(
      async () => {
        const page = await validationGet('/v1/rejections?connectionId=conn-rm-crm&runId=run-rm-1');
        return page.rejections.length > 0 ? page.rejections : undefined;
      },
      30_000,
      "the connection's rejection",
    );
    expect(listed).toEqual([
      expect.objectContaining({
        reason: 'invalid_record',
        path: 'attributes.End',
        messageId: 'run-rm-1-rm-k-2',
        origin: origin('run-rm-1', 3),
      }),
    ]);
    expect(listed[0].detail).toContain('cannot be cast to date');
    expect(await validationGet('/v1/reports/input-validation/connections/conn-rm-crm')).toMatchObject({
      rejected: 1,
      byReason: { invalid_record: 1 },
      runs: [{ runId: 'run-rm-1', rejected: 1, byReason: { invalid_record: 1 } }],
    });

    // A full refresh finds the row gone: null for each attribute it brought, the identifier included (the resolver
    // finds the profile by the record's own id); the profile falls back to the web value.
    await publishAsConnector([row('rm-k-1', { Email: null, Tier: null, End: null }, 'run-rm-2', 2, 120)]);
    const after = await client.waitForProfile('email', 'bo.rm@example.com', (p) => p.traits.loyalty_tier === 'bronze');
    expect(after.traits).not.toHaveProperty('contract_end_date');
    expect(after.traitProvenance.loyalty_tier).toMatchObject({ messageId: 'rm-web-bo', origin: null });
  });
}
