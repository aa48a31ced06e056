import { ComputedTraitDefinitionParser } from './computed-trait-definition-parser';

describe('ComputedTraitDefinitionParser', () => {
  const parser = new ComputedTraitDefinitionParser(180);

  it('accepts a count over the last 30 days and a last value ever', () => {
    const count = { key: 'orders_30d', event: 'Order Completed', aggregate: 'count', window: { days: 30 } };
    const last = {
      key: 'last_plan',
      event: 'Plan Changed',
      aggregate: 'last',
      property: 'plan',
      window: 'ever',
      description: 'current plan',
    };
    expect(parser.parse(count)).toEqual({ ok: true, definition: count });
    expect(parser.parse(last)).toEqual({ ok: true, definition: last });
  });

  it('requires a property for every aggregate but count, and refuses one on count', () => {
    expect(parser.parse({ key: 'spend', event: 'Order Completed', aggregate: 'sum', window: { days: 30 } })).toEqual({
      ok: false,
      errors: [{ path: '/property', message: 'is required' }],
    });
    expect(parser.parse({ key: 'n', event: 'Order Completed', aggregate: 'count', property: 'revenue', window: 'ever' })).toEqual({
      ok: false,
      errors: [{ path: '/property', message: 'is not allowed with aggregate "count"' }],
    });
  });

  it('asks for the currency of a sum, average, minimum or maximum of an amount, and takes one', () => {
    for (const aggregate of ['sum', 'avg', 'min', 'max'] as const) {
      const result = parser.parse({ key: 'spend', event: 'Order Completed', aggregate, property: 'revenue', window: 'ever' });
      expect(result).toEqual({
        ok: false,
        errors: [
          { path: '/currency', message: expect.stringMatching(/^is required for a \w+ of revenue: orders in different currencies/) },
        ],
      });
    }
    expect(
      parser.parse({ key: 'spend', event: 'Order Completed', aggregate: 'sum', property: 'total', currency: 'EUR', window: 'ever' }).ok,
    ).toBe(true);
    expect(parser.parse({ key: 'items', event: 'Order Completed', aggregate: 'sum', property: 'quantity', window: 'ever' }).ok).toBe(true);
    expect(parser.parse({ key: 'last', event: 'Order Completed', aggregate: 'last', property: 'revenue', window: 'ever' }).ok).toBe(true);
    const lower = parser.parse({
      key: 'spend',
      event: 'Order Completed',
      aggregate: 'sum',
      property: 'revenue',
      currency: 'eur',
      window: 'ever',
    });
    expect(lower.ok ? [] : lower.errors.map((e) => e.path)).toEqual(['/currency']);
  });

  it('names the JSON Pointer of each problem: a window longer than the history, a bad key, an unknown field', () => {
    const result = parser.parse({
      key: 'Bad Key',
      event: 'Order Completed',
      aggregate: 'median',
      property: 'revenue',
      window: { days: 365 },
      extra: 1,
    });
    expect(result.ok).toBe(false);
    const paths = result.ok ? [] : result.errors.map((e) => e.path).sort();
    expect(paths).toEqual(['/aggregate', '/extra', '/key', '/window/days']);
  });

  it('refuses a window that is neither "ever" nor {days}', () => {
    const result = parser.parse({ key: 'n', event: 'x', aggregate: 'count', window: 'forever' });
    expect(result).toEqual({ ok: false, errors: [{ path: '/window', message: 'must be "ever" or {"days": N}' }] });
  });

  it('a body that is not an object is an error at the root', () => {
    expect(parser.parse([1])).toEqual({ ok: false, errors: [{ path: '', message: 'must be object' }] });
  });

  it('caps the window at the configured history', () => {
    const short = new ComputedTraitDefinitionParser(30);
    expect(short.parse({ key: 'n', event: 'x', aggregate: 'count', window: { days: 31 } }).ok).toBe(false);
    expect(short.parse({ key: 'n', event: 'x', aggregate: 'count', window: { days: 30 } }).ok).toBe(true);
  });
});
