import { spawn } from 'node:child_process';
import path from 'node:path';
import type { ChildExit, ChildRun } from './child-run';
import { REPO_ROOT } from './dev-stack-settings';
import { prefixLines } from './output-prefixer';

export interface BrokerRun extends ChildRun {
  /** host:port the broker listens on and advertises. */
  readonly bootstrap: string;
}

export interface BrokerLaunchOptions {
  /** The embedded broker (`npm run kafka`), or Apache Kafka itself (`npm run kafka:apache`, TESSERA_KAFKA=apache). */
  kind?: 'embedded' | 'apache';
  port: number;
  dataDir: string;
  logLevel: string;
  /** How long the broker may take to open its port (it compiles its TypeScript first). */
  startTimeoutMs?: number;
  /** SIGTERM, then SIGKILL after this long. */
  stopGraceMs?: number;
}

const LISTENING = /^(?:embedded|apache) kafka (?:\S+ )?listening on ([^\s,]+)/;

/**
 * The embedded broker as a child process (`npm run kafka`), so that it can die and be restarted on its own, on the
 * same port and data directory, without taking the dev stack down. Resolves once it listens.
 */
export function launchBroker(options: BrokerLaunchOptions): Promise<BrokerRun> {
  const args =
    options.kind === 'apache'
      ? [
          path.join(REPO_ROOT, 'tools', 'run-ts.js'),
          path.join('libs', 'testing', 'src', 'apache-kafka', 'apache-kafka-cli.ts'),
          '--port',
          String(options.port),
          '--data-dir',
          options.dataDir,
        ]
      : [
          path.join(REPO_ROOT, 'tools', 'run-ts.js'),
          path.join('libs', 'embedded-kafka', 'src', 'cli.ts'),
          ...[
            '--port',
            String(options.port),
            '--data-dir',
            options.dataDir,
            '--auto-create-topics',
            'false',
            '--log-level',
            options.logLevel,
            // As docker-compose.yml and the Apache Kafka launcher: each service's group forms when its one member
            // joins, not 3 s later (Kafka's default, for groups whose many members start together).
            '--group-initial-rebalance-delay-ms',
            '0',
          ],
        ];
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const recent: string[] = [];
  let exitInfo: ChildExit | undefined;
  const exited = new Promise<ChildExit>((resolve) => child.once('exit', (code, signal) => resolve((exitInfo = { code, signal }))));
  let stopping: Promise<ChildExit> | undefined;
  const stop = () =>
    (stopping ??= (() => {
      if (exitInfo) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), options.stopGraceMs ?? 10_000);
      return exited.finally(() => clearTimeout(timer));
    })());

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`did not listen within ${options.startTimeoutMs ?? 60_000} ms\n${recent.join('\n')}`));
    }, options.startTimeoutMs ?? 60_000);
    const onLine = (line: string) => {
      recent.push(line);
      if (recent.length > 20) recent.shift();
      const listening = LISTENING.exec(line);
      if (!listening) return;
      clearTimeout(timer);
      resolve({
        pid: child.pid!,
        bootstrap: listening[1],
        exited,
        get exitInfo() {
          return exitInfo;
        },
        stop,
      });
    };
    prefixLines(child.stdout!, process.stdout, 'kafka', onLine);
    prefixLines(child.stderr!, process.stderr, 'kafka', onLine);
    void exited.then((exit) => {
      clearTimeout(timer);
      reject(new Error(`exited while starting (${exit.signal ?? `code ${exit.code}`})\n${recent.join('\n')}`));
    });
  });
}
