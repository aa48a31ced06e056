import { randomUUID } from 'node:crypto';
import { encode, Topics } from '@tessera/contracts';
import { type RunningService } from '@tessera/service-kit';
import { eventually, type TestSchema, type TopicCollector } from '@tessera/testing';
import { type Producer } from 'kafkajs';
import { rawRecord } from './test-support/pipeline-samples.fixture';
import { useValidationStack } from './test-support/validation-stack';

describe('validation service (embedded broker and Postgres, real HTTP): dedupe, records, rejections, reports', () => {
  const stack = useValidationStack();
  const { start, send, sendRecords, api, event, validFor, rejectedFor } = stack;
  let service: RunningService;
  let schema: TestSchema;
  let producer: Producer;
  let collector: TopicCollector;
  beforeAll(() => {
    ({ service, schema, producer, collector } = stack);
  });

  it('dedupes the same messageId, within a batch, across batches and across a validation restart', async () => {
    const source = 'dedupe';
    const first = event({ sourceId: source });
    await send([first, { ...first }]);
    await validFor(source);
    await send([{ ...first, receivedAt: Date.now() }]);
    const later = event({ sourceId: source });
    await send([later]);
    await validFor(source, 2);

    await service.close();
    service = await start();
    const afterRestart = event({ sourceId: source });
    await send([{ ...first }, { ...later }, afterRestart]);
    const valid = await validFor(source, 3);
    await new Promise((r) => setTimeout(r, 500));
    expect(
      collector
        .all(Topics.EventsValid)
        .filter((m) => m.value.sourceId === source)
        .map((m) => m.value.messageId)
        .sort(),
    ).toEqual([first.messageId, later.messageId, afterRestart.messageId].sort());
    expect(valid).toHaveLength(3);
    const { rows } = await schema.pool.query('SELECT duplicates FROM input_quality_daily WHERE source_id = $1', [source]);
    expect(rows.reduce((sum, row) => sum + Number(row.duplicates), 0)).toBe(4);
    // The restarted process counts what it saw itself.
    expect(await (await fetch(`${service.url}/metrics`)).text()).toMatch(
      /tessera_validation_dedupe_duplicates_total\{[^}]*kind="event"[^}]*\} 2/,
    );
  }, 60_000);

  it('applies a raw event or record sent twice at two offsets once, and rejects an invalid one twice', async () => {
    // A producer that lost the broker's ack and sent the same bytes again: Kafka holds two messages at two offsets,
    // which no runtime header tells apart. Validation's dedupe key (source, messageId) drops the accepted copy. An
    // invalid item holds no key, so each copy is rejected: the DLQ shows the item as often as it was sent.
    const source = 'resent';
    const good = event({ sourceId: source, userId: 'resent-user' });
    const bad = event({ sourceId: source, userId: 'resent-user', event: '' });
    const goodRecord = rawRecord({ sourceId: source, messageId: randomUUID(), receivedAt: Date.now(), recordId: 'resent-1' });
    const badRecord = rawRecord({ sourceId: source, messageId: randomUUID(), recordId: 'resent-1', attributes: '[]' });
    for (let copy = 0; copy < 2; copy++) {
      await send([good, bad]);
      await sendRecords([goodRecord, badRecord]);
    }
    // Each second invalid copy is at a later offset of its partition than the second valid one (one key each), and
    // a slice's rejections and counters commit together: once all four are out, both second copies were judged.
    const rejected = await rejectedFor(source, 4);
    expect(rejected.map((r) => r.value.messageId).sort()).toEqual(
      [bad.messageId, bad.messageId, badRecord.messageId, badRecord.messageId].sort(),
    );
    const { rows } = await schema.pool.query('SELECT sum(duplicates)::int AS n FROM input_quality_daily WHERE source_id = $1', [source]);
    expect(rows[0].n).toBe(2);
    await validFor(source);
    await collector.waitFor(Topics.RecordsValid, (v) => v.sourceId === source);
    const validEvents = collector.all(Topics.EventsValid).filter((m) => m.value.sourceId === source);
    const validRecords = collector.all(Topics.RecordsValid).filter((m) => m.value.sourceId === source);
    expect([...validEvents, ...validRecords].map((m) => m.value.messageId).sort()).toEqual([good.messageId, goodRecord.messageId].sort());
  }, 30_000);

  it('validates profile records to cdp.records.valid', async () => {
    const ok = rawRecord({ sourceId: 'crm', messageId: randomUUID(), receivedAt: Date.now() });
    const bad = rawRecord({ sourceId: 'crm', messageId: randomUUID(), recordId: 'c-2', attributes: '[]' });
    await sendRecords([ok, bad]);
    const [valid] = await collector.waitFor(Topics.RecordsValid, (v) => v.messageId === ok.messageId);
    expect(valid.key).toBe('crm:c-1');
    expect(JSON.parse(valid.value.attributes).mail).toBe('ada@example.com');
    const [rejected] = await collector.waitFor(Topics.EventsRejected, (v) => v.messageId === bad.messageId);
    expect(rejected.value).toMatchObject({ itemKind: 'record', reason: 'invalid_json', path: 'attributes' });
  }, 30_000);

  it("finds a connector's rejected records by connection and run, with their origin, and counts them per run", async () => {
    const origin = (runId: string, rowKey: string) => ({ connectionId: 'conn-crm', runId, stream: 'contacts', rowKey });
    const record = (recordId: string, attributes: object, runId: string) =>
      rawRecord({
        sourceId: 'connector-src',
        messageId: randomUUID(),
        receivedAt: Date.now(),
        recordId,
        attributes: JSON.stringify(attributes),
        mapping: { mail: 'email' },
        renames: { End: 'contract_end_date' },
        casts: { End: 'date' },
        origin: origin(runId, `contacts.csv:${recordId}`),
      });
    const good = record('r-ok', { mail: 'ok@x.io', End: '2027-03-31T23:30:00-02:00' }, 'run-1');
    const badCast = record('r-cast', { mail: 'cast@x.io', End: '31/03/2027' }, 'run-1');
    const noId = record('r-noid', { End: '2027-01-01' }, 'run-1');
    const laterRun = record('r-later', { mail: 'later@x.io', End: 'soon' }, 'run-2');
    await sendRecords([good, badCast, noId, laterRun]);
    const [valid] = await collector.waitFor(Topics.RecordsValid, (v) => v.messageId === good.messageId);
    expect(valid.value.origin).toEqual(origin('run-1', 'contacts.csv:r-ok'));
    expect(JSON.parse(valid.value.attributes)).toEqual({ mail: 'ok@x.io', contract_end_date: '2027-04-01T01:30:00.000Z' });

    const listed = await eventually(
      async () => {
        const res = await api('GET', '/v1/rejections?connectionId=conn-crm&runId=run-1');
        return res.body.rejections.length === 2 ? res.body.rejections : undefined;
      },
      20_000,
      "run-1's two rejections",
    );
    const byRecord = new Map(listed.map((r: { messageId: string }) => [r.messageId, r]));
    expect(byRecord.get(badCast.messageId)).toMatchObject({
      reason: 'invalid_record',
      path: 'attributes.End',
      detail: expect.stringContaining('cannot be cast to date'),
      origin: origin('run-1', 'contacts.csv:r-cast'),
    });
    expect(byRecord.get(noId.messageId)).toMatchObject({ reason: 'missing_identity', origin: origin('run-1', 'contacts.csv:r-noid') });
    expect((await api('GET', '/v1/rejections?connectionId=conn-crm')).body.rejections).toHaveLength(3);
    expect((await api('GET', '/v1/rejections?connectionId=other')).body.rejections).toEqual([]);

    const report = (await api('GET', '/v1/reports/input-validation/connections/conn-crm')).body;
    expect(report).toMatchObject({ connectionId: 'conn-crm', rejected: 3, byReason: { invalid_record: 2, missing_identity: 1 } });
    expect(
      report.runs.map((run: { runId: string; rejected: number; byReason: object }) => [run.runId, run.rejected, run.byReason]).sort(),
    ).toEqual([
      ['run-1', 2, { invalid_record: 1, missing_identity: 1 }],
      ['run-2', 1, { invalid_record: 1 }],
    ]);
    expect((await api('GET', '/v1/reports/input-validation/connections/conn-crm?runId=run-2')).body).toMatchObject({
      rejected: 1,
      runs: [{ runId: 'run-2' }],
    });
  }, 30_000);

  it('serves tracking-plan and source-settings CRUD, and pages rejections by keyset', async () => {
    expect((await api('PUT', '/v1/tracking-plans/crud', { mode: 'flag', events: [] })).body).toMatchObject({ version: 1 });
    expect((await api('PUT', '/v1/tracking-plans/crud', { mode: 'reject', events: [{ name: 'A' }, { name: 'A' }] })).status).toBe(400);
    expect(
      (await api('PUT', '/v1/tracking-plans/crud', { mode: 'reject', namingConvention: 'snake_case', events: [{ name: 'a_b' }] })).body,
    ).toMatchObject({ version: 2, mode: 'reject' });
    expect((await api('GET', '/v1/tracking-plans')).body.plans.map((p: { sourceId: string }) => p.sourceId)).toContain('crud');
    expect((await api('DELETE', '/v1/tracking-plans/crud')).status).toBe(204);
    expect((await api('GET', '/v1/tracking-plans/crud')).status).toBe(404);
    expect((await api('PUT', '/v1/sources/crud/settings', { defaultRegion: 'ZZ' })).status).toBe(400);
    expect((await api('PUT', '/v1/sources/crud/settings', { testRules: [{ path: 'userId' }] })).status).toBe(400);
    expect((await api('PUT', '/v1/sources/crud/settings', { defaultRegion: 'ZZ' })).body.details).toEqual([
      { path: '/defaultRegion', message: 'is not a region libphonenumber knows: ZZ' },
    ]);
    expect((await api('PUT', '/v1/sources/crud/settings', { testRules: [{ path: 'userId', pattern: '(' }] })).body.details).toEqual([
      { path: '/testRules/0/pattern', message: 'is not a valid regular expression: "("' },
    ]);
    expect((await api('PUT', '/v1/tracking-plans/crud', { mode: 'reject', events: [{ name: 'A' }, { name: 'A' }] })).body.details).toEqual([
      { path: '/events/1/name', message: 'lists the event "A" twice' },
    ]);
    expect((await api('PUT', '/v1/sources/crud/settings', { defaultRegion: 'fr' })).body).toMatchObject({
      sourceId: 'crud',
      defaultRegion: 'FR',
      testRules: [],
    });
    expect((await api('DELETE', '/v1/sources/crud/settings')).status).toBe(204);

    const source = 'paging';
    const bad = Array.from({ length: 5 }, () => event({ sourceId: source, userId: 'null' }));
    await send(bad);
    await eventually(
      async () => ((await api('GET', `/v1/rejections?sourceId=${source}`)).body.rejections.length === 5 ? true : undefined),
      20_000,
      'five rejections',
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { rejections: { messageId: string }[]; nextCursor: string | null } } = await api(
        'GET',
        `/v1/rejections?sourceId=${source}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.body.rejections.map((r) => r.messageId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(bad.map((e) => e.messageId).sort());
    expect((await api('GET', `/v1/rejections?sourceId=${source}&to=2020-01-01`)).body.rejections).toEqual([]);
    expect(
      (await api('GET', `/v1/rejections?sourceId=${source}&reason=missing_identity&from=${Date.now() - 60_000}`)).body.rejections,
    ).toHaveLength(5);
    expect((await api('GET', '/v1/rejections?cursor=garbage')).status).toBe(400);
  }, 30_000);

  it('stores a DLQ record another service wrote without an Avro envelope, and replays it to its original topic', async () => {
    const original = event({ sourceId: 'foreign' });
    await producer.send({
      topic: Topics.EventsRejected,
      messages: [
        {
          key: 'foreign',
          value: encode(Topics.EventsRaw, original),
          headers: {
            'tessera-dlq-reason': 'processing_error',
            'tessera-dlq-detail': 'boom',
            'tessera-dlq-source-topic': Topics.EventsRaw,
            'tessera-dlq-source-partition': '0',
            'tessera-dlq-source-offset': '7',
            'tessera-dlq-service': 'identity-resolver',
            'tessera-dlq-envelope-error': 'could not encode',
          },
        },
      ],
    });
    const stored = await eventually(
      async () => {
        const res = await api('GET', '/v1/rejections?service=identity-resolver');
        return res.body.rejections[0];
      },
      20_000,
      'the raw DLQ record in the store',
    );
    expect(stored).toMatchObject({ reason: 'processing_error', detail: 'boom', original: { topic: Topics.EventsRaw, offset: '7' } });
    expect((await api('POST', '/v1/rejections/replay', { rejectionIds: [stored.rejectionId] })).body.replayed).toBe(1);
    const [valid] = await validFor('foreign');
    expect(valid.value.messageId).toBe(original.messageId);
  }, 30_000);

  it('reports the share of valid emails, valid phones and well-formed transactions per source', async () => {
    const source = 'report';
    await api('PUT', `/v1/sources/${source}/settings`, { defaultRegion: 'US' });
    await send([
      event({
        sourceId: source,
        type: 'identify',
        event: null,
        traits: JSON.stringify({ email: 'a@example.com', phone: '(415) 555-2671' }),
      }),
      event({ sourceId: source, type: 'identify', event: null, traits: JSON.stringify({ email: 'not an email', phone: '5' }) }),
      event({ sourceId: source, properties: JSON.stringify({ revenue: 10, currency: 'EUR' }) }),
      event({ sourceId: source, properties: JSON.stringify({ revenue: 'ten', currency: 'EUR' }) }),
      event({ sourceId: source, properties: JSON.stringify({ revenue: 5, currency: 'XXXX' }) }),
      event({ sourceId: source, properties: JSON.stringify({ total: '7.5' }) }),
    ]);
    const report = await eventually(
      async () => {
        const res = await api('GET', `/v1/reports/input-validation?sourceId=${source}`);
        const entry = res.body.sources[0];
        return entry && entry.totals.eventsAccepted + entry.totals.rejected === 6 ? entry : undefined;
      },
      20_000,
      'six events in the report',
    );
    expect(report.totals).toMatchObject({
      eventsAccepted: 5,
      rejected: 1,
      emailsSeen: 2,
      emailsValid: 1,
      phonesSeen: 2,
      phonesValid: 1,
      transactionsSeen: 4,
      // Only `revenue: 10, currency: EUR`: 'ten' is no amount, and `total: '7.5'` has no currency (no source default).
      transactionsWellFormed: 1,
    });
    expect(report.shares).toEqual({ validEmails: 0.5, validPhones: 0.5, wellFormedTransactions: 0.25, rejected: 0.1667 });
    expect((await api('GET', '/v1/reports/input-validation?from=yesterday')).status).toBe(400);
    expect(await (await fetch(`${service.url}/metrics`)).text()).toMatch(
      /tessera_validation_input_values_total\{[^}]*field="email"[^}]*verdict="invalid"[^}]*\} [1-9]/,
    );
  }, 30_000);

  it("marks order and refund events with the source's order event names and default currency", async () => {
    const source = 'shop';
    expect((await api('PUT', `/v1/sources/${source}/settings`, { defaultCurrency: 'EURO' })).status).toBe(400);
    expect((await api('PUT', `/v1/sources/${source}/settings`, { defaultCurrency: 'ABC' })).status).toBe(400);
    expect((await api('PUT', `/v1/sources/${source}/settings`, { orderEvents: [] })).status).toBe(400);
    const put = await api('PUT', `/v1/sources/${source}/settings`, {
      orderEvents: ['Order Completed', 'Purchase'],
      defaultCurrency: 'sek',
    });
    expect(put.body).toMatchObject({ orderEvents: ['Order Completed', 'Purchase'], defaultCurrency: 'SEK' });
    expect((await api('GET', `/v1/sources/${source}/settings`)).body).toMatchObject({
      orderEvents: ['Order Completed', 'Purchase'],
      defaultCurrency: 'SEK',
    });
    await send([
      event({ sourceId: source, event: 'Purchase', properties: JSON.stringify({ order_id: 'p-1', revenue: 20 }) }),
      event({ sourceId: source, event: 'Order Refunded', properties: JSON.stringify({ order_id: 'p-1', currency: 'usd', total: 5 }) }),
      event({ sourceId: source, event: 'Checkout Started', properties: JSON.stringify({ order_id: 'p-2', revenue: 99, currency: 'USD' }) }),
      event({ sourceId: 'no-default', event: 'Order Completed', properties: JSON.stringify({ order_id: 'n-1', revenue: 1 }) }),
    ]);
    const valid = [...(await validFor(source, 3)), ...(await validFor('no-default'))].map((m) => m.value);
    const byEvent = new Map(valid.map((v) => [v.event, v.commerce]));
    expect(byEvent.get('Purchase')).toEqual({
      kind: 'order',
      orderId: 'p-1',
      amount: 20,
      currency: 'SEK',
      currencyOrigin: 'source_default',
    });
    expect(byEvent.get('Order Refunded')).toEqual({ kind: 'refund', orderId: 'p-1', amount: 5, currency: 'USD', currencyOrigin: 'event' });
    expect(byEvent.get('Checkout Started')).toBeNull();
    expect(byEvent.get('Order Completed')).toEqual({ kind: 'order', orderId: 'n-1', amount: 1, currency: null, currencyOrigin: 'missing' });
  }, 30_000);
});
