import { eventually } from '@tessera/testing';
import type { ChildExit, ChildRun } from './child-run';
import { ChildSupervisor } from './child-supervisor';

interface FakeRun extends ChildRun {
  die(exit: ChildExit): void;
}

let nextPid = 1000;
function fakeRun(): FakeRun {
  let exitInfo: ChildExit | undefined;
  let resolveExit!: (exit: ChildExit) => void;
  const exited = new Promise<ChildExit>((resolve) => (resolveExit = resolve));
  const die = (exit: ChildExit) => {
    exitInfo ??= exit;
    resolveExit(exitInfo);
  };
  return {
    pid: nextPid++,
    exited,
    get exitInfo() {
      return exitInfo;
    },
    die,
    stop: async () => (die({ code: 0, signal: null }), exited),
  };
}

const fastPolicy = { initialDelayMs: 10, maxDelayMs: 40, healthyAfterMs: 60_000 };

describe('ChildSupervisor', () => {
  it('restarts a child that dies once it is kept alive, logging each crash and doubling the delay', async () => {
    const runs: FakeRun[] = [];
    const lines: string[] = [];
    const running: number[] = [];
    const exitedPids: number[] = [];
    const supervisor = new ChildSupervisor(
      'validation',
      async () => (runs.push(fakeRun()), runs[runs.length - 1]),
      { log: (line) => lines.push(line), onRunning: (run) => running.push(run.pid), onExited: (run) => exitedPids.push(run.pid) },
      fastPolicy,
    );
    await supervisor.start();
    supervisor.keepAlive();
    for (let crash = 1; crash <= 3; crash++) {
      runs[crash - 1].die({ code: null, signal: 'SIGKILL' });
      await eventually(() => runs.length === crash + 1 && supervisor.current === runs[crash], 5_000, 'condition', 5);
    }
    expect(supervisor.restartCount).toBe(3);
    expect(running).toEqual(runs.map((run) => run.pid));
    expect(exitedPids).toEqual(runs.slice(0, 3).map((run) => run.pid));
    const crashLines = lines.filter((line) => line.includes('restarting in'));
    expect(crashLines).toEqual([
      `validation (pid ${runs[0].pid}) killed by SIGKILL; restarting in 10 ms (crash 1 in a row)`,
      `validation (pid ${runs[1].pid}) killed by SIGKILL; restarting in 20 ms (crash 2 in a row)`,
      `validation (pid ${runs[2].pid}) killed by SIGKILL; restarting in 40 ms (crash 3 in a row)`,
    ]);
    expect(lines).toContain(`validation restarted (pid ${runs[3].pid}, restart 3)`);
    expect(await supervisor.stop()).toEqual({ code: 0, signal: null });
  });

  it('leaves an exit before keepAlive() to the caller, and restarts it once kept alive', async () => {
    const runs: FakeRun[] = [];
    const supervisor = new ChildSupervisor(
      'broker',
      async () => (runs.push(fakeRun()), runs[runs.length - 1]),
      { log: () => undefined },
      fastPolicy,
    );
    await supervisor.start();
    runs[0].die({ code: 1, signal: null });
    await runs[0].exited;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(runs).toHaveLength(1);
    supervisor.keepAlive();
    await eventually(() => runs.length === 2, 5_000, 'condition', 5);
    await supervisor.stop();
  });

  it('stops a child whose first launch was still under way when stop() was called', async () => {
    const run = fakeRun();
    let finishLaunch!: () => void;
    const supervisor = new ChildSupervisor(
      'postgres',
      () => new Promise<ChildRun>((resolve) => (finishLaunch = () => resolve(run))),
      { log: () => undefined },
      fastPolicy,
    );
    const starting = supervisor.start();
    const stopping = supervisor.stop();
    finishLaunch();
    await starting;
    expect(await stopping).toEqual({ code: 0, signal: null });
    expect(run.exitInfo).toEqual({ code: 0, signal: null });
  });

  it('keeps retrying a launch that fails, and stop() ends the retries and the pending restart', async () => {
    let attempts = 0;
    const lines: string[] = [];
    const first = fakeRun();
    const supervisor = new ChildSupervisor(
      'postgres',
      async () => {
        attempts += 1;
        if (attempts === 1) return first;
        throw new Error('pre-existing shared memory block is still in use');
      },
      { log: (line) => lines.push(line) },
      fastPolicy,
    );
    await supervisor.start();
    supervisor.keepAlive();
    first.die({ code: null, signal: 'SIGKILL' });
    await eventually(() => attempts >= 4, 5_000, 'condition', 5);
    expect(lines).toContain('postgres did not restart: pre-existing shared memory block is still in use');
    expect(lines).toContain('postgres is still down; restarting in 20 ms (crash 2 in a row)');
    await supervisor.stop();
    const stoppedAt = attempts;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(attempts).toBe(stoppedAt);
  });
});
