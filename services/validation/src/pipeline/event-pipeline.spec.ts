import type { TrackingPlan } from '../tracking-plans/tracking-plan';
import { runEventPipeline } from './event-pipeline';
import { rawEvent, stepEnvironment } from '../test-support/pipeline-samples.fixture';

const plan = (overrides: Partial<TrackingPlan> = {}): TrackingPlan => ({
  sourceId: 'src-1',
  version: 1,
  mode: 'reject',
  namingConvention: 'title_case',
  allowUnplannedEvents: false,
  events: [{ name: 'Order Completed', schema: { type: 'object', required: ['revenue'], properties: { revenue: { type: 'number' } } } }],
  createdAt: '',
  updatedAt: '',
  ...overrides,
});

describe('runEventPipeline', () => {
  it.each([
    [{ type: 'purchase' }, 'unknown_type', 'type', 'structural-checks'],
    [{ userId: null, anonymousId: null }, 'missing_identity', 'userId', 'structural-checks'],
    [{ userId: '  ', anonymousId: '' }, 'missing_identity', 'userId', 'structural-checks'],
    [{ event: ' ' }, 'missing_event_name', 'event', 'structural-checks'],
    [{ event: null }, 'missing_event_name', 'event', 'structural-checks'],
    [{ userId: 'NULL' }, 'missing_identity', 'userId', 'structural-checks'],
    [{ userId: '[object Object]' }, 'missing_identity', 'userId', 'structural-checks'],
    [{ userId: null, anonymousId: '00000000-0000-0000-0000-000000000000' }, 'missing_identity', 'anonymousId', 'structural-checks'],
    [{ userId: 'anonymous', anonymousId: 'guest' }, 'missing_identity', 'userId', 'structural-checks'],
    [{ type: 'alias', previousId: null }, 'missing_identity', 'previousId', 'structural-checks'],
    [{ type: 'alias', previousId: 'undefined' }, 'missing_identity', 'previousId', 'structural-checks'],
    [{ type: 'group', groupId: 'guest' }, 'missing_identity', 'groupId', 'structural-checks'],
    [{ properties: '{"a":' }, 'invalid_json', 'properties', 'parse-json-fields'],
    [{ traits: '[1,2]' }, 'invalid_json', 'traits', 'parse-json-fields'],
    [{ timestamp: 'yesterday' }, 'invalid_timestamp', 'timestamp', 'clock-skew'],
    [
      { properties: JSON.stringify({ revenue: 10, currency: 'euro' }) },
      'invalid_currency',
      'properties.currency',
      'commerce-normalization',
    ],
  ])('rejects %j as %s at %s, in step %s', (overrides, reason, path, step) => {
    const result = runEventPipeline(rawEvent(overrides), stepEnvironment());
    expect(result).toMatchObject({
      kind: 'dlq',
      reason: { code: reason, path, step, about: { itemKind: 'event', sourceId: 'src-1', messageId: 'm-1' } },
    });
  });

  it('corrects client clock skew: timestamp = receivedAt - (sentAt - originalTimestamp)', () => {
    // The device clock is 1 h fast; the event happened 5 s before the SDK sent it.
    const result = runEventPipeline(
      rawEvent({ timestamp: '2026-11-22T11:00:00.000Z', sentAt: '2026-11-22T11:00:05.000Z' }),
      stepEnvironment(),
    );
    expect(result.kind).toBe('ok');
    if (result.kind !== 'ok') return;
    expect(new Date(result.value.timestamp).toISOString()).toBe('2026-11-22T09:59:55.000Z');
    expect(result.value.originalTimestamp).toBe(Date.parse('2026-11-22T11:00:00.000Z'));
    expect(result.value.sentAt).toBe(Date.parse('2026-11-22T11:00:05.000Z'));
  });

  it('reads offsets and offset-less times as UTC, and falls back to receivedAt', () => {
    const withOffset = runEventPipeline(rawEvent({ timestamp: '2026-11-22T12:00:00+02:00' }), stepEnvironment());
    const noOffset = runEventPipeline(rawEvent({ timestamp: '2026-11-22T10:00:00' }), stepEnvironment());
    const none = runEventPipeline(rawEvent(), stepEnvironment());
    expect([withOffset, noOffset, none].map((r) => r.kind === 'ok' && new Date(r.value.timestamp).toISOString())).toEqual([
      '2026-11-22T10:00:00.000Z',
      '2026-11-22T10:00:00.000Z',
      '2026-11-22T10:00:00.000Z',
    ]);
  });

  it('normalizes emails, phones (source region), currency and revenue, and counts them for the report', () => {
    const env = stepEnvironment({ settings: { sourceId: 'src-1', defaultRegion: 'DE', testRules: [], updatedAt: '' } });
    const result = runEventPipeline(
      rawEvent({
        properties: JSON.stringify({ revenue: '19.90', currency: ' eur ' }),
        context: JSON.stringify({ traits: { email: '  Ada@Example.COM ', phone: '030 1234567' } }),
      }),
      env,
    );
    expect(result.kind).toBe('ok');
    if (result.kind !== 'ok') return;
    expect(JSON.parse(result.value.properties!)).toEqual({ revenue: 19.9, currency: 'EUR' });
    expect(JSON.parse(result.value.context!).traits).toEqual({ email: 'ada@example.com', phone: '+49301234567' });
    expect([result.value.revenue, result.value.currency]).toEqual([19.9, 'EUR']);
    expect(env.observations).toMatchObject({
      emailsSeen: 1,
      emailsValid: 1,
      phonesSeen: 1,
      phonesValid: 1,
      transactionsSeen: 1,
      transactionsWellFormed: 1,
    });
  });

  it('counts an amount without a currency as a transaction that is not well-formed, unless the source has a default', () => {
    const amountOnly = () => rawEvent({ properties: JSON.stringify({ total: '7.5' }) });
    const bare = stepEnvironment();
    const withDefault = stepEnvironment({
      settings: { sourceId: 'src-1', defaultRegion: null, defaultCurrency: 'EUR', testRules: [], updatedAt: '' },
    });
    expect(runEventPipeline(amountOnly(), bare).kind).toBe('ok');
    expect(runEventPipeline(amountOnly(), withDefault).kind).toBe('ok');
    expect(bare.observations).toMatchObject({ transactionsSeen: 1, transactionsWellFormed: 0 });
    expect(withDefault.observations).toMatchObject({ transactionsSeen: 1, transactionsWellFormed: 1 });
  });

  it('keeps bad emails and phones (counted, not rejected)', () => {
    const env = stepEnvironment();
    const result = runEventPipeline(
      rawEvent({ type: 'identify', event: null, traits: JSON.stringify({ email: 'not-an-email', phone: '12' }) }),
      env,
    );
    expect(result.kind).toBe('ok');
    expect(env.observations).toMatchObject({ emailsSeen: 1, emailsValid: 0, phonesSeen: 1, phonesValid: 0 });
  });

  it('drops the root dot of an email domain, so a@example.com. and a@example.com are one address', () => {
    const env = stepEnvironment();
    const result = runEventPipeline(
      rawEvent({ type: 'identify', event: null, traits: JSON.stringify({ email: ' A@Example.COM. ' }) }),
      env,
    );
    expect(result.kind === 'ok' && JSON.parse(result.value.traits!)).toEqual({ email: 'a@example.com' });
    expect(env.observations).toMatchObject({ emailsSeen: 1, emailsValid: 1 });
  });

  it('takes the address out of a display-name form and a mailto: link', () => {
    const env = stepEnvironment();
    const traits = { email: ['Ada Lovelace <Ada@Example.com>', 'mailto:ada@example.com', '"Ada" <ada@example.com.>'] };
    const result = runEventPipeline(rawEvent({ type: 'identify', event: null, traits: JSON.stringify(traits) }), env);
    expect(result.kind === 'ok' && JSON.parse(result.value.traits!)).toEqual({
      email: ['ada@example.com', 'ada@example.com', 'ada@example.com'],
    });
    expect(env.observations).toMatchObject({ emailsSeen: 3, emailsValid: 3 });
  });

  it('normalizes and counts each number of a phone list', () => {
    const env = stepEnvironment({ settings: { sourceId: 'src-1', defaultRegion: 'DE', testRules: [], updatedAt: '' } });
    const traits = { phone: ['030 1234567', '+33 6 12 34 56 78', '12'] };
    const result = runEventPipeline(rawEvent({ type: 'identify', event: null, traits: JSON.stringify(traits) }), env);
    expect(result.kind === 'ok' && JSON.parse(result.value.traits!)).toEqual({ phone: ['+49301234567', '+33612345678', '12'] });
    expect(env.observations).toMatchObject({ phonesSeen: 3, phonesValid: 2 });
  });

  it('normalizes and counts each address of an email list', () => {
    const env = stepEnvironment();
    const traits = { email: [' Ada@Example.com', 'ada@work.example.', 'nope', 7] };
    const result = runEventPipeline(rawEvent({ type: 'identify', event: null, traits: JSON.stringify(traits) }), env);
    expect(result.kind === 'ok' && JSON.parse(result.value.traits!)).toEqual({ email: ['ada@example.com', 'ada@work.example', 'nope', 7] });
    expect(env.observations).toMatchObject({ emailsSeen: 4, emailsValid: 2 });
  });

  it('removes a birthday that names no real day and flags it; real dates and unknown orders stay as sent', () => {
    const result = runEventPipeline(
      rawEvent({
        type: 'identify',
        event: null,
        traits: JSON.stringify({ birthday: '1990-02-30', name: 'Ada', createdAt: '2026-02-29T10:00:00Z' }),
        context: JSON.stringify({ traits: { birthdate: '1990-02-28T00:00:00.000Z', birthday: '1990-13-01T00:00:00Z' } }),
      }),
      stepEnvironment(),
    );
    expect(result.kind).toBe('ok');
    if (result.kind !== 'ok') return;
    expect(JSON.parse(result.value.traits!)).toEqual({ name: 'Ada' });
    expect(JSON.parse(result.value.context!).traits).toEqual({ birthdate: '1990-02-28T00:00:00.000Z' });
    expect(result.value.violations).toEqual([
      { reason: 'other', path: 'traits.birthday', detail: 'traits.birthday "1990-02-30" is not a real date; removed' },
      { reason: 'other', path: 'traits.createdAt', detail: 'traits.createdAt "2026-02-29T10:00:00Z" is not a real date; removed' },
      {
        reason: 'other',
        path: 'context.traits.birthday',
        detail: 'context.traits.birthday "1990-13-01T00:00:00Z" is not a real date; removed',
      },
    ]);
    const kept = runEventPipeline(
      rawEvent({ type: 'identify', event: null, traits: JSON.stringify({ birthday: '03/02/1990' }) }),
      stepEnvironment(),
    );
    expect(kept.kind === 'ok' && JSON.parse(kept.value.traits!)).toEqual({ birthday: '03/02/1990' });
  });

  it('labels test traffic from context.test and from a source rule', () => {
    const byContext = runEventPipeline(rawEvent({ context: '{"test":true}' }), stepEnvironment());
    const byRule = runEventPipeline(
      rawEvent({ userId: 'qa-7' }),
      stepEnvironment({
        settings: { sourceId: 'src-1', defaultRegion: null, testRules: [{ path: 'userId', pattern: '^qa-' }], updatedAt: '' },
      }),
    );
    const real = runEventPipeline(rawEvent(), stepEnvironment());
    expect([byContext, byRule, real].map((r) => r.kind === 'ok' && r.value.isTest)).toEqual([true, true, false]);
  });

  it('rejects a tracking-plan violation in reject mode, with every detail', () => {
    const result = runEventPipeline(rawEvent({ properties: '{"revenue":"lots"}' }), stepEnvironment({ plan: plan() }));
    expect(result).toMatchObject({ kind: 'dlq', reason: { code: 'schema_violation', path: 'properties.revenue', step: 'tracking-plan' } });
    const unplanned = runEventPipeline(rawEvent({ event: 'Cart Viewed' }), stepEnvironment({ plan: plan() }));
    expect(unplanned).toMatchObject({ kind: 'dlq', reason: { code: 'unplanned_event', path: 'event', step: 'tracking-plan' } });
    const badName = runEventPipeline(rawEvent({ event: 'cart_viewed' }), stepEnvironment({ plan: plan({ allowUnplannedEvents: true }) }));
    expect(badName).toMatchObject({ kind: 'dlq', reason: { code: 'naming_convention', path: 'event', step: 'tracking-plan' } });
  });

  it('lets a violation through in flag mode, recorded on the event', () => {
    const result = runEventPipeline(rawEvent({ properties: '{}' }), stepEnvironment({ plan: plan({ mode: 'flag' }) }));
    expect(result.kind).toBe('ok');
    if (result.kind !== 'ok') return;
    expect(result.value.violations).toEqual([
      { reason: 'schema_violation', detail: "properties.revenue must have required property 'revenue'", path: 'properties.revenue' },
    ]);
  });

  it('does not apply plans to non-track calls', () => {
    const result = runEventPipeline(rawEvent({ type: 'page', event: null, name: 'Home' }), stepEnvironment({ plan: plan() }));
    expect(result.kind).toBe('ok');
  });
});
