import { freePort } from '@tessera/testing';
import { Kafka, logLevel } from 'kafkajs';
import { join, resolve } from 'node:path';
import { BenchProcess } from './bench-process';

export const REPO_ROOT = resolve(__dirname, '../..');

interface EmbeddedPg {
  startEmbeddedPostgres(options: { dataDir: string; port: number; persistent?: boolean; settings?: string[] }): Promise<{ url: string; stop(): Promise<void> }>;
}

/** A throwaway embedded Postgres in `dataDir` (server settings as `name=value`), the one jest's global setup uses. */
export async function startBenchPostgres(dataDir: string, settings: string[] = []): Promise<{ url: string; stop(): Promise<void> }> {
  // Plain JS shared with jest's global setup (no typings, hence require).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startEmbeddedPostgres } = require(join(REPO_ROOT, 'libs/testing/src/embedded-pg.js')) as EmbeddedPg;
  return startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false, settings });
}

/**
 * The durable embedded broker through its CLI (default fsync policy, no topic auto-creation), with `topics`
 * created once it answers. The process logs to `logFd`.
 */
export async function startBenchBroker(work: string, logFd: number, topics: Array<{ topic: string; numPartitions: number }>): Promise<{ broker: BenchProcess; brokers: string[] }> {
  const port = await freePort();
  const broker = BenchProcess.start('embedded broker', REPO_ROOT, 'libs/embedded-kafka/src/cli.ts',
    ['--port', String(port), '--data-dir', join(work, 'kafka'), '--auto-create-topics', 'false', '--log-level', 'warn'], {}, logFd);
  const brokers = [`127.0.0.1:${port}`];
  for (let attempt = 0; ; attempt++) {
    const admin = new Kafka({ clientId: 'bench-admin', brokers, logLevel: logLevel.NOTHING }).admin();
    try {
      await admin.connect();
      await admin.createTopics({ waitForLeaders: true, topics });
      return { broker, brokers };
    } catch (error) {
      if (broker.exited || attempt > 120) {
        await broker.stop();
        throw error;
      }
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
