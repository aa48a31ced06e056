import { Topics } from '@tessera/contracts';
import { type RunningService } from '@tessera/service-kit';
import { eventually } from '@tessera/testing';
import { useValidationStack } from './test-support/validation-stack';

describe('validation service (embedded broker and Postgres, real HTTP): events, rules and plans', () => {
  const stack = useValidationStack();
  const { send, api, event, validFor, rejectedFor } = stack;
  let service: RunningService;
  beforeAll(() => {
    ({ service } = stack);
  });

  it('rejects structurally broken events with a typed reason and path, and passes good ones keyed by best identifier', async () => {
    const source = 'structural';
    const bad = [
      event({ sourceId: source, type: 'purchase' }),
      event({ sourceId: source, userId: null, anonymousId: null }),
      event({ sourceId: source, event: '' }),
      event({ sourceId: source, userId: 'anonymous' }),
      event({ sourceId: source, userId: null, anonymousId: '0' }),
      event({ sourceId: source, userId: '[object Object]' }),
    ];
    const good = event({ sourceId: source, userId: null, anonymousId: 'anon-1' });
    await send([...bad, good]);
    const rejected = await rejectedFor(source, bad.length);
    const byMessage = new Map(rejected.map((r) => [r.value.messageId, r.value]));
    expect(bad.map((e) => [byMessage.get(e.messageId)?.reason, byMessage.get(e.messageId)?.path])).toEqual([
      ['unknown_type', 'type'],
      ['missing_identity', 'userId'],
      ['missing_event_name', 'event'],
      ['missing_identity', 'userId'],
      ['missing_identity', 'anonymousId'],
      ['missing_identity', 'userId'],
    ]);
    expect(rejected[0].value).toMatchObject({ service: 'validation', itemKind: 'event', original: { topic: Topics.EventsRaw } });
    const [valid] = await validFor(source);
    expect(valid.key).toBe('anon-1');
    expect(valid.value).toMatchObject({ messageId: good.messageId, type: 'track', anonymousId: 'anon-1', violations: [] });
  }, 30_000);

  it('drops a blocked identifier value, not the event: the removal is a violation and a count in the report', async () => {
    const source = 'blocked-ids';
    const bob = event({
      sourceId: source,
      type: 'identify',
      event: null,
      userId: 'bob',
      anonymousId: 'anonymous',
      traits: JSON.stringify({ firstName: 'Bob' }),
    });
    const nobody = event({ sourceId: source, type: 'identify', event: null, userId: 'null', anonymousId: 'guest' });
    await send([bob, nobody]);
    const [valid] = await validFor(source);
    expect(valid.key).toBe('bob');
    expect(valid.value).toMatchObject({ messageId: bob.messageId, userId: 'bob', anonymousId: null });
    expect(valid.value.violations).toEqual([
      { reason: 'blocked_identifier', detail: 'anonymousId "anonymous" is a blocked placeholder value; removed', path: 'anonymousId' },
    ]);
    const [rejected] = await rejectedFor(source);
    expect(rejected.value).toMatchObject({ reason: 'missing_identity', messageId: nobody.messageId });
    const report = await eventually(
      async () => {
        const entry = (await api('GET', `/v1/reports/input-validation?sourceId=${source}`)).body.sources[0];
        return entry && entry.totals.eventsAccepted + entry.totals.rejected === 2 ? entry : undefined;
      },
      20_000,
      'both events in the report',
    );
    expect(report.totals).toMatchObject({ eventsAccepted: 1, rejected: 1, flagged: 1, blockedIdentifiersRemoved: 3 });
    expect(await (await fetch(`${service.url}/metrics`)).text()).toMatch(
      /tessera_validation_repaired_values_total\{[^}]*what="blocked_identifier"[^}]*\} [1-9]/,
    );
  }, 30_000);

  it('applies the clock-skew arithmetic and normalizes email, phone (source region), currency and revenue', async () => {
    const source = 'normalize';
    expect(
      (
        await api('PUT', `/v1/sources/${source}/settings`, {
          defaultRegion: 'de',
          testRules: [{ path: 'context.app.namespace', equals: 'com.example.qa' }],
        })
      ).status,
    ).toBe(200);
    const receivedAt = Date.parse('2026-11-22T10:00:00.000Z');
    const order = event({
      sourceId: source,
      receivedAt,
      timestamp: '2026-11-22T11:00:00.000Z', // device clock 1 h fast, event 5 s before sending
      sentAt: '2026-11-22T11:00:05.000Z',
      properties: JSON.stringify({ revenue: '42.50', currency: 'usd', email: ' Ada@Example.COM ' }),
      context: JSON.stringify({ traits: { phone: '030 1234567' }, app: { namespace: 'com.example.qa' } }),
    });
    const badCurrency = event({ sourceId: source, properties: JSON.stringify({ revenue: 1, currency: 'DOGE' }) });
    await send([order, badCurrency]);
    const [valid] = await validFor(source);
    expect(new Date(valid.value.timestamp).toISOString()).toBe('2026-11-22T09:59:55.000Z');
    expect(valid.value).toMatchObject({ revenue: 42.5, currency: 'USD', isTest: true, receivedAt });
    expect(JSON.parse(valid.value.properties!)).toEqual({ revenue: 42.5, currency: 'USD', email: 'ada@example.com' });
    expect(JSON.parse(valid.value.context!).traits).toEqual({ phone: '+49301234567' });
    const [rejected] = await rejectedFor(source);
    expect(rejected.value).toMatchObject({ reason: 'invalid_currency', path: 'properties.currency', messageId: badCurrency.messageId });
  }, 30_000);

  it('passes an email list and a root-dotted email as normalized addresses, removes an impossible birthday, unsigns a refund', async () => {
    const source = 'odd-inputs';
    const identify = event({
      sourceId: source,
      type: 'identify',
      event: null,
      traits: JSON.stringify({ email: [' Ada@Example.com. ', 'ada@work.example'], birthday: '1990-02-30', name: 'Ada' }),
      context: JSON.stringify({ traits: { email: 'ADA@example.com.' } }),
    });
    const refund = event({
      sourceId: source,
      event: 'Order Refunded',
      properties: JSON.stringify({ order_id: 'o-1', total: -30, currency: 'USD' }),
    });
    await send([identify, refund]);
    const valid = new Map((await validFor(source, 2)).map((m) => [m.value.messageId, m.value]));
    const person = valid.get(identify.messageId)!;
    expect(JSON.parse(person.traits!)).toEqual({ email: ['ada@example.com', 'ada@work.example'], name: 'Ada' });
    expect(JSON.parse(person.context!).traits).toEqual({ email: 'ada@example.com' });
    expect(person.violations).toEqual([
      { reason: 'other', path: 'traits.birthday', detail: 'traits.birthday "1990-02-30" is not a real date; removed' },
    ]);
    expect(valid.get(refund.messageId)!.commerce).toMatchObject({ kind: 'refund', orderId: 'o-1', amount: 30, currency: 'USD' });
  }, 30_000);

  it('enforces a tracking plan in reject mode and records violations in flag mode', async () => {
    const plan = {
      namingConvention: 'title_case',
      events: [{ name: 'Order Completed', schema: { type: 'object', required: ['orderId'], properties: { orderId: { type: 'string' } } } }],
    };
    expect((await api('PUT', '/v1/tracking-plans/strict', { mode: 'reject', ...plan })).status).toBe(200);
    expect((await api('PUT', '/v1/tracking-plans/lenient', { mode: 'flag', ...plan })).status).toBe(200);
    expect((await api('PUT', '/v1/tracking-plans/strict', { mode: 'maybe', events: [] })).status).toBe(400);
    expect(
      (await api('PUT', '/v1/tracking-plans/strict', { mode: 'reject', events: [{ name: 'X', schema: { type: 'nope' } }] })).status,
    ).toBe(400);
    expect((await api('GET', '/v1/tracking-plans/strict', undefined, {})).status).toBe(401);
    expect((await api('GET', '/v1/tracking-plans/strict')).body).toMatchObject({ sourceId: 'strict', version: 1, mode: 'reject' });

    const missingOrderId = { properties: JSON.stringify({ total: 3 }) };
    await send([
      event({ sourceId: 'strict', ...missingOrderId }),
      event({ sourceId: 'strict', event: 'order_viewed' }),
      event({ sourceId: 'lenient', ...missingOrderId }),
    ]);
    const rejected = await rejectedFor('strict', 2);
    expect(rejected.map((r) => [r.value.reason, r.value.path]).sort()).toEqual([
      ['naming_convention', 'event'],
      ['schema_violation', 'properties.orderId'],
    ]);
    // Which step rejected them: a header of each DLQ record and a label of the per-step rejection counter.
    expect(rejected.map((r) => r.headers['tessera-dlq-step'])).toEqual(['tracking-plan', 'tracking-plan']);
    expect(await (await fetch(`${service.url}/metrics`)).text()).toMatch(
      /tessera_validation_rejected_items_total\{[^}]*reason="schema_violation"[^}]*step="tracking-plan"[^}]*\} 1/,
    );
    const [flagged] = await validFor('lenient');
    expect(flagged.value.violations).toEqual([expect.objectContaining({ reason: 'schema_violation', path: 'properties.orderId' })]);
  }, 30_000);

  it('replays a rejection after a plan fix, keeping the original messageId', async () => {
    const source = 'replay';
    await api('PUT', `/v1/tracking-plans/${source}`, { mode: 'reject', events: [{ name: 'Order Completed' }] });
    const original = event({ sourceId: source, event: 'Signed Up' });
    await send([original]);
    await rejectedFor(source);
    const page = await eventually(
      async () => {
        const res = await api('GET', `/v1/rejections?sourceId=${source}&reason=unplanned_event`);
        return res.body.rejections.length > 0 ? res.body : undefined;
      },
      20_000,
      'the rejection in the store',
    );
    expect(page.rejections[0]).toMatchObject({
      sourceId: source,
      messageId: original.messageId,
      reason: 'unplanned_event',
      replayCount: 0,
      original: { topic: Topics.EventsRaw },
    });

    await api('PUT', `/v1/tracking-plans/${source}`, { mode: 'reject', events: [{ name: 'Order Completed' }, { name: 'Signed Up' }] });
    const replay = await api('POST', '/v1/rejections/replay', { sourceId: source });
    expect(replay.body).toEqual({ replayed: 1, rejectionIds: [page.rejections[0].rejectionId] });
    const [valid] = await validFor(source);
    expect(valid.value).toMatchObject({ messageId: original.messageId, event: 'Signed Up' });
    expect((await api('GET', `/v1/rejections/${page.rejections[0].rejectionId}`)).body).toMatchObject({ replayCount: 1 });
    // Already replayed: a second replay by filter selects nothing.
    expect((await api('POST', '/v1/rejections/replay', { sourceId: source })).body).toEqual({ replayed: 0, rejectionIds: [] });
    expect((await api('POST', '/v1/rejections/replay', {})).status).toBe(400);
    // A misspelt reason is refused, not taken as a filter that matches nothing.
    const misspelt = await api('POST', '/v1/rejections/replay', { reason: 'unplanned' });
    expect(misspelt.status).toBe(400);
    expect(misspelt.body.message).toMatch(/^body\/reason must be one of undecodable, .*unplanned_event/);
    const browse = await api('GET', `/v1/rejections?reason=unplanned`);
    expect(browse.status).toBe(400);
    expect(browse.body.message).toMatch(/^reason must be one of undecodable, .*, got "unplanned"$/);
  }, 40_000);
});
