import { andThen, dlq, drop, ok } from './step-result';

describe('step results', () => {
  it('builds the three outcomes', () => {
    expect(ok(3)).toEqual({ kind: 'ok', value: 3 });
    expect(dlq('invalid_json', 'bad', 'properties.x')).toEqual({
      kind: 'dlq',
      reason: { code: 'invalid_json', detail: 'bad', path: 'properties.x' },
    });
    expect(dlq('undecodable', 'no magic')).toEqual({ kind: 'dlq', reason: { code: 'undecodable', detail: 'no magic' } });
    expect(drop('duplicate')).toEqual({ kind: 'drop', why: 'duplicate' });
  });

  it('chains ok results and short-circuits the others', () => {
    const double = (n: number) => ok(n * 2);
    expect(andThen(ok(2), double)).toEqual(ok(4));
    const rejected = dlq('other', 'x');
    expect(andThen(rejected, double)).toBe(rejected);
    const dropped = drop('filtered');
    expect(andThen(dropped, double)).toBe(dropped);
  });
});
