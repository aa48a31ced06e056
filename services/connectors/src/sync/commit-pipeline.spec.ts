import { CommitPipeline } from './commit-pipeline';

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('CommitPipeline', () => {
  it('returns while a transaction runs, and starts the next one only after it finished', async () => {
    const pipeline = new CommitPipeline();
    const first = deferred();
    const log: string[] = [];
    await pipeline.next(async () => {
      log.push('first started');
      await first.promise;
      log.push('first done');
    });
    expect(log).toEqual(['first started']);
    const second = pipeline.next(async () => {
      log.push('second started');
    });
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['first started']);
    first.resolve();
    await second;
    await pipeline.drain();
    expect(log).toEqual(['first started', 'first done', 'second started']);
  });

  it('throws a failed transaction at the next step, and does not start the one after it', async () => {
    const pipeline = new CommitPipeline();
    await pipeline.next(() => Promise.reject(new Error('run lost')));
    const next = jest.fn(() => Promise.resolve());
    await expect(pipeline.next(next)).rejects.toThrow('run lost');
    expect(next).not.toHaveBeenCalled();
  });

  it('drain waits for the transaction in flight and throws its error', async () => {
    const pipeline = new CommitPipeline();
    const first = deferred();
    await pipeline.next(() => first.promise);
    const drained = pipeline.drain();
    first.reject(new Error('deadlock'));
    await expect(drained).rejects.toThrow('deadlock');
    await expect(pipeline.drain()).resolves.toBeUndefined();
  });
});
