import { mirrorDiff, withPending } from './mirror-diff';

describe('mirrorDiff', () => {
  it('adds missing members, removes strangers and blocked members, logs blocked absentees', () => {
    const blocked = new Set(['b1', 'b2']);
    const diff = mirrorDiff(new Set(['m1', 'm2', 'b1', 'b2']), new Set(['m2', 'b2', 'x']), (id) =>
      blocked.has(id) ? { send: false, reason: 'no consent' } : { send: true },
    );
    expect(diff).toEqual({ add: ['m1'], remove: ['b2', 'x'], suppressed: [{ profileId: 'b1', reason: 'no consent' }] });
  });

  it('pending deliveries apply on top of a listing, oldest first', () => {
    expect(
      [
        ...withPending(
          ['a', 'b'],
          [
            { profileId: 'c', action: 'add' },
            { profileId: 'a', action: 'remove' },
            { profileId: 'c', action: 'remove' },
            { profileId: 'd', action: 'upsert' },
          ],
        ),
      ].sort(),
    ).toEqual(['b', 'd']);
  });
});
