import { DevStack } from './dev-stack';
import { readDevStackSettings } from './dev-stack-settings';
import { formatReadyBanner } from './ready-banner';

const log = (line: string) => process.stdout.write(`[dev-stack] ${line}\n`);

/**
 * Runs the stack in this process until SIGTERM/SIGINT or the supervisor going away (a child that crashes is
 * restarted, see DevStack); then stops everything in order and exits (0 when asked to stop, 1 on a failure).
 */
export async function runStack(): Promise<void> {
  const settings = readDevStackSettings();
  const stack = new DevStack(settings, log);
  const shutdown = async (reason: string, code: number) => {
    log(`stopping (${reason}): services, then broker, then Postgres`);
    try {
      await stack.stop();
    } catch (error) {
      log(`error while stopping: ${error instanceof Error ? error.message : String(error)}`);
      code = 1;
    }
    log('stopped');
    process.exit(code);
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(signal, () => void shutdown(signal, 0));
  process.once('disconnect', () => void shutdown('supervisor went away', 0));

  log(`starting with data in ${settings.dataDir} (runner pid ${process.pid})`);
  try {
    const endpoints = await stack.start();
    process.stdout.write(`${formatReadyBanner(endpoints)}\n`);
  } catch (error) {
    log(`failed to start: ${error instanceof Error ? error.message : String(error)}`);
    await shutdown('start-up failed', 1);
  }
}
