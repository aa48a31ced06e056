import fs from 'node:fs';

/**
 * The dev stack's orphan guard, a small process the stack runner starts first. The runner tells it, over the IPC
 * channel, the pid of every child it starts (services, the embedded broker, the embedded Postgres). When that
 * channel closes without a `release` (the runner died, even by kill -9, which no handler in the runner itself can
 * catch), the guard stops those children in the runner's own order: the services first (SIGTERM, so they drain
 * into a broker and database that are still up), then the broker, then Postgres (SIGINT, its fast shutdown), each
 * stage SIGKILLed after its grace period; then it exits. Postgres is a separate binary that never notices its
 * parent dying, so without this it would keep its port and data directory locked.
 */

export type GuardMessage =
  | { type: 'watch'; pid: number; name: string; stage: number; signal: NodeJS.Signals; graceMs: number }
  | { type: 'unwatch'; pid: number }
  | { type: 'release' };

type Watched = Extract<GuardMessage, { type: 'watch' }>;

const POLL_MS = 100;
const watched = new Map<number, Watched>();
let released = false;

const say = (line: string) => process.stderr.write(`[orphan-guard] ${line}\n`);

/** Alive and not a zombie (a zombie has exited; it only waits for whoever adopted it to reap it). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

async function goneWithin(pids: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  let left = pids.filter(isAlive);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    left = left.filter(isAlive);
  }
  return left;
}

async function stopOrphans(): Promise<void> {
  const stages = [...new Set([...watched.values()].map((child) => child.stage))].sort((a, b) => a - b);
  say(`the stack runner went away; stopping ${watched.size} processes it left`);
  for (const stage of stages) {
    const children = [...watched.values()].filter((child) => child.stage === stage);
    for (const child of children) signal(child.pid, child.signal);
    const graceMs = Math.max(...children.map((child) => child.graceMs));
    const stubborn = await goneWithin(
      children.map((child) => child.pid),
      graceMs,
    );
    for (const pid of stubborn) {
      say(`${watched.get(pid)?.name} (pid ${pid}) did not stop within ${graceMs} ms; SIGKILL`);
      signal(pid, 'SIGKILL');
    }
    await goneWithin(stubborn, 5_000);
  }
}

process.on('message', (message: GuardMessage) => {
  if (message.type === 'watch') watched.set(message.pid, message);
  else if (message.type === 'unwatch') watched.delete(message.pid);
  else {
    // Closing the channel from this side, after every earlier message was read, ends the guard (below).
    released = true;
    process.disconnect?.();
  }
});
process.on('disconnect', () => {
  if (released) process.exit(0);
  void stopOrphans().finally(() => process.exit(0));
});
// The runner's process group may get a signal meant for the runner (kill -TERM -<pgid>); the guard's job only
// starts when the runner is gone, so it outlives those.
for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(name, () => undefined);
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
process.send?.({ type: 'ready' });
