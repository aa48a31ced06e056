import { dlq, drop, ok } from './step-result';

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
});
