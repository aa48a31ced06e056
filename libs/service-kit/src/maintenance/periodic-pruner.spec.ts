import { createLogger } from '@tessera/observability';
import { Writable } from 'node:stream';
import { PeriodicPruner, type PrunerOptions } from './periodic-pruner';

class TestPruner extends PeriodicPruner {
  constructor(options: PrunerOptions) {
    super(options);
  }
}

const silentLogger = createLogger({ service: 'service-kit', destination: new Writable({ write: (_c, _e, done) => done() }) });

describe('PeriodicPruner', () => {
  it('shares one pass between concurrent calls and reports what it deleted', async () => {
    let release!: (n: number) => void;
    const prune = jest.fn(() => new Promise<number>((resolve) => (release = resolve)));
    const pruned: number[] = [];
    const pruner = new TestPruner({ what: 'rows', intervalMs: 60_000, logger: silentLogger, prune, onPruned: (n) => pruned.push(n) });
    const first = pruner.pruneNow();
    const second = pruner.pruneNow();
    release(7);
    await Promise.all([first, second]);
    expect(prune).toHaveBeenCalledTimes(1);
    expect(pruned).toEqual([7]);
    prune.mockImplementation(() => Promise.resolve(0));
    await pruner.pruneNow();
    expect(prune).toHaveBeenCalledTimes(2);
  });

  it('survives a failing pass', async () => {
    const pruner = new TestPruner({
      what: 'rows',
      intervalMs: 60_000,
      logger: silentLogger,
      prune: () => Promise.reject(new Error('db down')),
      onPruned: () => undefined,
    });
    await expect(pruner.pruneNow()).resolves.toBeUndefined();
  });

  it('runs on its interval and waits for the pass in flight at shutdown', async () => {
    jest.useFakeTimers();
    try {
      let finished = false;
      const prune = jest.fn(async () => {
        await Promise.resolve();
        finished = true;
        return 0;
      });
      const pruner = new TestPruner({ what: 'rows', intervalMs: 1_000, logger: silentLogger, prune, onPruned: () => undefined });
      pruner.onApplicationBootstrap();
      jest.advanceTimersByTime(1_000);
      expect(prune).toHaveBeenCalledTimes(1);
      await pruner.onApplicationShutdown();
      expect(finished).toBe(true);
      jest.advanceTimersByTime(5_000);
      expect(prune).toHaveBeenCalledTimes(1);
    } finally {
      jest.useRealTimers();
    }
  });
});
