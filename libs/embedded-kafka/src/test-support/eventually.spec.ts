import { eventually } from './eventually';

describe('eventually', () => {
  it('resolves to the first value that is neither undefined nor false', async () => {
    let calls = 0;
    const value = await eventually(() => (++calls < 3 ? undefined : { calls }), 1_000, 'three calls', 1);
    expect(value).toEqual({ calls: 3 });
    let polls = 0;
    await expect(eventually(() => ++polls >= 2, 1_000, 'two polls', 1)).resolves.toBe(true);
    await expect(eventually(async () => 0, 1_000)).resolves.toBe(0);
  });

  it('rejects after the timeout, naming what it waited for', async () => {
    await expect(eventually(() => false, 30, 'the moon', 5)).rejects.toThrow('timed out after 30 ms waiting for the moon');
  });

  it('fails at once when the probe throws', async () => {
    let calls = 0;
    const failing = eventually(() => {
      calls += 1;
      throw new Error('probe broke');
    }, 5_000);
    await expect(failing).rejects.toThrow('probe broke');
    expect(calls).toBe(1);
  });
});
