import { createTestSchema, createTestTopics, startTestBroker, type TestBroker } from '@tessera/testing';
import { GatewayHarness, RAW_TOPICS, basicAuth, type CreatedSource } from '../test-support/gateway-harness';
import { TopicTail } from '../test-support/topic-tail';

describe('POST /v1/records (real HTTP, embedded broker and Postgres)', () => {
  let broker: TestBroker;
  let gateway: GatewayHarness;
  let tail: TopicTail;
  let crm: CreatedSource;
  let auth: Record<string, string>;

  beforeAll(async () => {
    broker = await startTestBroker();
    await createTestTopics(broker.brokers, RAW_TOPICS);
    gateway = await new GatewayHarness(broker.brokers, await createTestSchema('ingest_gateway')).start();
    tail = new TopicTail();
    await tail.start(broker.brokers);
    crm = await gateway.createSource('crm');
    auth = { authorization: basicAuth(crm.writeKey) };
  });

  afterAll(async () => {
    await tail?.stop();
    await gateway?.stop();
    await broker?.stop();
  });

  it('puts each record on cdp.records.raw keyed sourceId:recordId, with the merged mapping', async () => {
    const res = await gateway.post(
      '/v1/records',
      {
        source: 'salesforce',
        mapping: { Email: 'email', Phone: 'phone', CrmId: 'crm_id' },
        records: [
          {
            recordId: 'c-1',
            objectType: 'contact',
            observedAt: '2026-01-02T03:04:05Z',
            messageId: 'rec-msg-1',
            attributes: { Email: 'A@x.io', Phone: '+1 415 555 0100', CrmId: 'c-1', First: 'Ada' },
            mapping: { First: 'given-name' },
          },
          { recordId: 'c-2', attributes: { Email: 'b@x.io', LoyaltyNo: 'L-9' }, mapping: { LoyaltyNo: 'id:loyalty_number' } },
        ],
      },
      auth,
    );
    expect(res).toMatchObject({ status: 200, json: { success: true, records: 2 } });
    const landed = await tail.waitFor(() => tail.records.length === 2 && tail.records, 'two records');
    const first = landed.find((r) => r.value.recordId === 'c-1')!;
    expect(first.key).toBe(`${crm.source.id}:c-1`);
    expect(first.headers['tessera-schema']).toBe('cdp.records.raw/v2');
    expect(first.value).toMatchObject({
      messageId: 'rec-msg-1',
      sourceId: crm.source.id,
      objectType: 'contact',
      observedAt: '2026-01-02T03:04:05Z',
      mapping: { Email: 'email', Phone: 'phone', CrmId: 'crm_id', First: 'given-name' },
    });
    expect(JSON.parse(first.value.attributes)).toEqual({ Email: 'A@x.io', Phone: '+1 415 555 0100', CrmId: 'c-1', First: 'Ada' });
    const second = landed.find((r) => r.value.recordId === 'c-2')!;
    expect(second.value.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.value.mapping.LoyaltyNo).toBe('id:loyalty_number');
  });

  it('takes custom attribute names and casts, per-record entries winning over the batch ones field by field', async () => {
    const res = await gateway.post(
      '/v1/records',
      {
        mapping: {
          Email: 'email',
          Tier: 'loyalty_tier',
          End: { to: 'contract_end_date', cast: 'date' },
          Spend: { to: 'Spend', cast: 'number' },
          Start: { to: 'contract_start_date', cast: 'date', format: 'DD.MM.YYYY' },
        },
        records: [
          { recordId: 'm-1', attributes: { Email: 'm@x.io', Tier: 'gold', End: '2027-03-31', Spend: '12.5', Start: '01.04.2026' } },
          {
            recordId: 'm-2',
            attributes: { Email: 'n@x.io', Tier: 'silver', End: '31/03/2027' },
            mapping: { Tier: 'tier', End: 'contract_end_text' },
          },
        ],
      },
      auth,
    );
    expect(res).toMatchObject({ status: 200, json: { success: true, records: 2 } });
    const landed = await tail.waitFor(() => {
      const found = tail.records.filter((r) => r.value.recordId === 'm-1' || r.value.recordId === 'm-2');
      return found.length === 2 && found;
    }, 'the two mapped records');
    const first = landed.find((r) => r.value.recordId === 'm-1')!.value;
    expect(first).toMatchObject({
      mapping: { Email: 'email' },
      renames: { Tier: 'loyalty_tier', End: 'contract_end_date', Start: 'contract_start_date' },
      casts: { End: 'date', Spend: 'number', Start: 'date:DD.MM.YYYY' },
      origin: null,
    });
    const second = landed.find((r) => r.value.recordId === 'm-2')!.value;
    expect(second).toMatchObject({ mapping: { Email: 'email' }, renames: { Tier: 'tier', End: 'contract_end_text' } });
    expect(second.casts).toEqual({ Spend: 'number', Start: 'date:DD.MM.YYYY' });
  });

  it.each([
    [{ records: [] }, '/records', 'must NOT have fewer than 1 items'],
    [{ records: [{ attributes: {} }] }, '/records/0/recordId', 'is required'],
    [{ records: [{ recordId: 'r', attributes: [] }] }, '/records/0/attributes', 'must be object'],
    [{ records: [{ recordId: 'r', attributes: {}, mapping: { a: 'favourite-colour' } }] }, '/records/0/mapping/a', 'must match pattern'],
    [
      { records: [{ recordId: 'r', attributes: {} }], mapping: { End: { to: 'end_date', cast: 'uuid' } } },
      '/mapping/End/cast',
      'must be one of date, number, boolean',
    ],
    [{ records: [{ recordId: 'r', attributes: {}, mapping: { End: { cast: 'date' } } }] }, '/records/0/mapping/End/to', 'is required'],
    [
      { records: [{ recordId: 'r', attributes: {} }], mapping: { End: { to: 'end_date', cast: 'number', format: 'DD.MM.YYYY' } } },
      '/mapping/End/cast',
      'must be "date"',
    ],
    [
      { records: [{ recordId: 'r', attributes: {}, mapping: { Tier: 'loyalty tier' } }] },
      '/records/0/mapping/Tier',
      'or must match pattern',
    ],
    [{ records: [{ recordId: 'r', attributes: {} }], surprise: true }, '/surprise', 'must NOT have additional properties'],
    [{ records: 'nope' }, '/records', 'must be array'],
    [
      {
        records: [
          { recordId: 'r', attributes: {} },
          { recordId: 's', attributes: {}, observedAt: '31/03/2027' },
        ],
      },
      '/records/1/observedAt',
      'must be an ISO-8601 date-time such as 2026-12-06T10:50:00.000Z; got "31/03/2027"',
    ],
  ])('400 with the path for a bad body (%#)', async (body, path, message) => {
    const res = await gateway.post('/v1/records', body, auth);
    expect(res.status).toBe(400);
    expect(res.json.details[0]).toEqual({ path, message: expect.stringContaining(message) });
    expect(res.json.message).toContain(`body${path}`);
  });

  it('needs a write key (Basic or writeKey in the body)', async () => {
    expect((await gateway.post('/v1/records', { records: [{ recordId: 'r', attributes: {} }] })).status).toBe(401);
    const viaBody = await gateway.post('/v1/records', { writeKey: crm.writeKey, records: [{ recordId: 'r-body', attributes: { a: 1 } }] });
    expect(viaBody.status).toBe(200);
  });
});
