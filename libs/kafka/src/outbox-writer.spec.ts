import { laneOf, OUTBOX_LANES } from './outbox-writer';

describe('laneOf', () => {
  it('maps one key to one lane, always', () => {
    const key = Buffer.from('profile-42');
    expect(laneOf(key, 'a')).toBe(laneOf(Buffer.from('profile-42'), 'b'));
  });

  it('spreads keys over every lane', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(laneOf(Buffer.from(`user-${i}`), ''));
    expect(seen.size).toBe(OUTBOX_LANES);
    for (const lane of seen) expect(lane).toBeGreaterThanOrEqual(0);
  });

  it('falls back to the message id for keyless messages', () => {
    expect(laneOf(null, 'id-1')).toBe(laneOf(Buffer.from('id-1'), 'ignored'));
  });
});
