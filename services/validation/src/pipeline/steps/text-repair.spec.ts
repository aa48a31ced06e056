import { rawEvent, rawRecord, stepEnvironment } from '../../test-support/pipeline-samples.fixture';
import { runEventPipeline } from '../event-pipeline';
import { runRecordPipeline } from '../record-pipeline';
import { jsonDepthExceeded, jsonTextMayNeedRepair, MAX_JSON_DEPTH, repairJson, repairText } from './text-repair';

const nested = (depth: number): unknown => {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
};

describe('repairText / repairJson', () => {
  it.each([
    ['a\u0000b', 'ab'],
    ['x\uD800y', 'x\uFFFDy'],
    ['\uDC00', '\uFFFD'],
    ['pair \uD83D\uDE00 kept', 'pair \uD83D\uDE00 kept'],
    ['plain', 'plain'],
  ])('repairs %j to %j', (input, output) => expect(repairText(input)).toBe(output));

  it('repairs keys and values at any depth and counts the strings it changed, keeping "__proto__" a key', () => {
    const input = JSON.parse('{"__proto__": {"n\\u0000": ["ok", "x\\ud800"]}, "constructor": "c"}');
    const result = repairJson(input, 'traits');
    expect(result).toMatchObject({ repaired: 2 });
    if ('tooDeep' in result) return;
    expect(JSON.stringify(result.value)).toBe('{"__proto__":{"n":["ok","x\uFFFD"]},"constructor":"c"}');
    expect(Object.getPrototypeOf(result.value)).toBe(Object.prototype);
  });

  it('knows from the JSON text alone whether a walk can find anything to repair', () => {
    expect(jsonTextMayNeedRepair(JSON.stringify({ a: 'plain', b: [1, { c: 'é' }] }))).toBe(false);
    expect(jsonTextMayNeedRepair(JSON.stringify({ a: 'x\u0000' }))).toBe(true);
    expect(jsonTextMayNeedRepair(JSON.stringify({ a: '\uDC00' }))).toBe(true);
    expect(jsonTextMayNeedRepair('{"a":"\\uD83D\\uDE00"}')).toBe(true);
  });

  it('finds where JSON text nests too deep without parsing it, ignoring brackets inside strings', () => {
    expect(jsonDepthExceeded('[[["[[[[\\"[["]]]', 3)).toBe(-1);
    expect(jsonDepthExceeded('{"a":[[1]]}', 3)).toBe(-1);
    expect(jsonDepthExceeded('{"a":[[[1]]]}', 3)).toBe(7);
  });

  it(`refuses nesting deeper than ${MAX_JSON_DEPTH} and says where`, () => {
    expect(repairJson(nested(MAX_JSON_DEPTH), 'p')).toMatchObject({ repaired: 0 });
    expect(repairJson(nested(MAX_JSON_DEPTH + 1), 'p')).toEqual({ tooDeep: `p${'.a'.repeat(MAX_JSON_DEPTH)}` });
  });
});

describe('events and records that Postgres could not store are repaired or refused at validation', () => {
  it('strips NUL from the event name and traits, replaces lone surrogates, and says so on the valid event', () => {
    const env = stepEnvironment();
    const result = runEventPipeline(
      rawEvent({ event: 'Order\u0000 Completed', properties: JSON.stringify({ note: 'a\u0000b', ['k\uD800']: 1 }) }),
      env,
    );
    expect(result.kind).toBe('ok');
    if (result.kind !== 'ok') return;
    expect(result.value.event).toBe('Order Completed');
    expect(JSON.parse(result.value.properties!)).toEqual({ note: 'ab', 'k\uFFFD': 1 });
    expect(result.value.violations).toEqual([
      { reason: 'repaired_text', path: 'event', detail: 'NUL bytes removed or lone UTF-16 surrogates replaced by U+FFFD in 1 string' },
      {
        reason: 'repaired_text',
        path: 'properties',
        detail: 'NUL bytes removed or lone UTF-16 surrogates replaced by U+FFFD in 2 strings',
      },
    ]);
    expect(env.observations.textsRepaired).toBe(3);
  });

  it.each(['userId', 'anonymousId', 'previousId', 'groupId'] as const)('refuses a NUL byte in %s as invalid_identifier', (field) => {
    const result = runEventPipeline(rawEvent({ anonymousId: 'anon-1', [field]: 'id\u0000x' }), stepEnvironment());
    expect(result).toMatchObject({ kind: 'dlq', reason: { code: 'invalid_identifier', path: field } });
  });

  it('strips NUL from a messageId, so every store downstream can key on it', () => {
    const result = runEventPipeline(rawEvent({ messageId: 'm\u00001' }), stepEnvironment());
    expect(result).toMatchObject({ kind: 'ok', value: { messageId: 'm1' } });
  });

  it('an event name that is only NUL bytes has no name', () => {
    expect(runEventPipeline(rawEvent({ event: '\u0000' }), stepEnvironment())).toMatchObject({
      kind: 'dlq',
      reason: { code: 'missing_event_name' },
    });
  });

  it('passes trait keys named like Object.prototype members through unchanged', () => {
    const traits = '{"constructor":"c","toString":"t","hasOwnProperty":"h","__proto__":{"x":1},"valueOf":0}';
    const result = runEventPipeline(rawEvent({ type: 'identify', event: null, traits }), stepEnvironment());
    expect(result).toMatchObject({ kind: 'ok', value: { traits, violations: [] } });
  });

  it(`refuses a property nested deeper than ${MAX_JSON_DEPTH} as invalid_json before anything recursive touches it`, () => {
    const deepText = `{"deep":${'{"a":'.repeat(10_000)}"leaf"${'}'.repeat(10_000)}}`;
    const result = runEventPipeline(rawEvent({ properties: deepText }), stepEnvironment());
    expect(result).toMatchObject({ kind: 'dlq', reason: { code: 'invalid_json', path: 'properties' } });
    if (result.kind === 'dlq') expect(result.reason.detail).toBe(`properties nests deeper than 64 levels (at character ${8 + 5 * 63})`);
  });

  it('repairs record attributes, mapping and objectType; refuses a NUL in recordId', () => {
    const env = stepEnvironment();
    const result = runRecordPipeline(
      rawRecord({
        objectType: 'con\u0000tact',
        mapping: { 'ma\u0000il': 'email', constructor: 'crm_id' },
        attributes: JSON.stringify({ mail: 'ada@example.com', constructor: 'C-9', note: 'x\uD800' }),
      }),
      env,
    );
    expect(result).toMatchObject({ kind: 'ok', value: { objectType: 'contact', mapping: { mail: 'email', constructor: 'crm_id' } } });
    if (result.kind === 'ok')
      expect(JSON.parse(result.value.attributes)).toEqual({ mail: 'ada@example.com', constructor: 'C-9', note: 'x\uFFFD' });
    expect(env.observations.textsRepaired).toBe(3);
    expect(runRecordPipeline(rawRecord({ recordId: 'c\u00001' }), stepEnvironment())).toMatchObject({
      kind: 'dlq',
      reason: { code: 'invalid_record', path: 'recordId' },
    });
  });

  it('a record attribute named like a prototype member that is not mapped is not read as one', () => {
    const result = runRecordPipeline(
      rawRecord({ mapping: { crmId: 'crm_id', toString: 'email' }, attributes: JSON.stringify({ crmId: 'C-1' }) }),
      stepEnvironment(),
    );
    expect(result).toMatchObject({ kind: 'ok', value: { mapping: { crmId: 'crm_id', toString: 'email' } } });
  });
});

describe('revenue beyond what money columns hold', () => {
  it.each([
    [{ revenue: 9.3e12, currency: 'USD' }, 'properties.revenue'],
    [{ revenue: -2e12 }, 'properties.revenue'],
    [{ revenue: '1e400' }, 'properties.revenue'],
    [{ total: '9300000000000' }, 'properties.total'],
  ])('rejects %j as invalid_revenue', (properties, path) => {
    expect(runEventPipeline(rawEvent({ properties: JSON.stringify(properties) }), stepEnvironment())).toMatchObject({
      kind: 'dlq',
      reason: { code: 'invalid_revenue', path },
    });
  });

  it('rejects a JSON number that parses to Infinity', () => {
    expect(runEventPipeline(rawEvent({ properties: '{"revenue": 1e400}' }), stepEnvironment())).toMatchObject({
      kind: 'dlq',
      reason: { code: 'invalid_revenue' },
    });
  });

  it('accepts the largest amount allowed', () => {
    expect(runEventPipeline(rawEvent({ properties: JSON.stringify({ revenue: 1e9, currency: 'USD' }) }), stepEnvironment())).toMatchObject({
      kind: 'ok',
      value: { revenue: 1e9 },
    });
    expect(
      runEventPipeline(rawEvent({ properties: JSON.stringify({ revenue: 1.5e9, currency: 'USD' }) }), stepEnvironment()),
    ).toMatchObject({ kind: 'dlq', reason: { code: 'invalid_revenue' } });
  });
});
