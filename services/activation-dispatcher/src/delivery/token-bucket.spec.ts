import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('lets a burst through, then one send per 1/rate seconds', () => {
    let t = 0;
    const bucket = new TokenBucket(2, 2, () => t);
    expect([bucket.tryTake(), bucket.tryTake()]).toEqual([0, 0]);
    expect(bucket.tryTake()).toBe(500);
    t = 250;
    expect(bucket.tryTake()).toBe(250);
    t = 500;
    expect(bucket.tryTake()).toBe(0);
    bucket.putBack();
    expect(bucket.tryTake()).toBe(0);
  });
});
