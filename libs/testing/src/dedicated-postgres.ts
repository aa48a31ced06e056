import { fork, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';

/**
 * An embedded Postgres of one test's own, for fault tests that kill or stop it (the shared jest instance must
 * stay up for every other suite). Same port and data directory across restarts, as a supervised server would be.
 */
export interface DedicatedPostgres {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** SIGKILL of the postmaster: no shutdown checkpoint, every session cut at once (57P01 / connection reset). */
  kill(): Promise<void>;
  /** Fast shutdown (SIGINT): sessions are terminated, the server checkpoints and exits. */
  shutdown(): Promise<void>;
  /** Starts it again on the same port and data directory (crash recovery runs after a kill). */
  restart(): Promise<void>;
  /** Stops it and deletes its data directory. */
  destroy(): Promise<void>;
}

interface Reply {
  id: string;
  ok: boolean;
  url?: string;
  error?: string;
}

const CHILD = join(__dirname, 'dedicated-postgres.child.js');

/** Starts the server in a helper process (dedicated-postgres.child.js) that obeys kill/shutdown/restart/stop. */
export async function startDedicatedPostgres(): Promise<DedicatedPostgres> {
  const root = mkdtempSync(join(tmpdir(), 'tessera-dedicated-pg-'));
  chmodSync(root, 0o755); // the server runs as the postgres user when the tests run as root
  const dataDir = join(root, 'pg');
  const port = await freePort();
  const child = fork(CHILD, [dataDir, String(port)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const waiting = new Map<string, (reply: Reply) => void>();
  child.on('message', (reply: Reply) => waiting.get(reply.id)?.(reply));
  let next = 0;
  const ask = (command: string, id = `c${next++}`): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const onExit = (): void => reject(new Error(`the dedicated Postgres helper exited during "${command}"`));
      child.once('exit', onExit);
      waiting.set(id, (reply) => {
        waiting.delete(id);
        child.removeListener('exit', onExit);
        if (reply.ok) resolve(reply);
        else reject(new Error(`dedicated Postgres "${command}" failed: ${reply.error}`));
      });
      if (command !== 'start') child.send({ id, command });
    });
  const { url } = await ask('start', 'start').catch(async (error: Error) => {
    child.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
    throw error;
  });
  return {
    url: url!,
    port,
    dataDir,
    kill: async () => void (await ask('kill')),
    shutdown: async () => void (await ask('shutdown')),
    restart: async () => void (await ask('restart')),
    async destroy() {
      await stopHelper(child, () => ask('stop'));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

async function stopHelper(child: ChildProcess, stop: () => Promise<Reply>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await stop().catch(() => child.kill('SIGKILL'));
  await exited;
}
