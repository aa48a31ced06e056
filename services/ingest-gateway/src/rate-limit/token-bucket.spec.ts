import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  let now = 0;
  const clock = () => now;

  beforeEach(() => {
    now = 1_000_000;
  });

  it('allows a burst, then refills at the rate, and says how long to wait', () => {
    const bucket = new TokenBucket(10, 20, clock);
    expect(bucket.take(20)).toBe(0);
    expect(bucket.take(5)).toBeCloseTo(0.5);
    now += 500;
    expect(bucket.take(5)).toBe(0);
    expect(bucket.take(1)).toBeCloseTo(0.1);
  });

  it('lets a request larger than the bucket through from a full bucket (limited by the rate afterwards)', () => {
    const bucket = new TokenBucket(10, 20, clock);
    expect(bucket.take(50)).toBe(0);
    expect(bucket.take(1)).toBeCloseTo(3.1);
    now += 3_100;
    expect(bucket.take(1)).toBe(0);
  });

  it('never refills past the burst', () => {
    const bucket = new TokenBucket(1000, 5, clock);
    now += 60_000;
    expect(bucket.take(5)).toBe(0);
    expect(bucket.take(5)).toBeGreaterThan(0);
  });

  it('a zero rate never refills', () => {
    const bucket = new TokenBucket(0, 2, clock);
    expect(bucket.take(2)).toBe(0);
    expect(bucket.take(1)).toBe(Number.POSITIVE_INFINITY);
  });

  it('reconfigure grants added capacity and caps at a smaller burst', () => {
    const bucket = new TokenBucket(1, 3, clock);
    expect(bucket.take(3)).toBe(0);
    bucket.reconfigure(100, 103);
    expect(bucket.take(100)).toBe(0);
    bucket.reconfigure(100, 2);
    expect(bucket.take(3)).toBeGreaterThan(0);
  });
});
