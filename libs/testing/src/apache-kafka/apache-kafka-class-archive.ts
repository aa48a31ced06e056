import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { apacheKafkaCacheDir, withDirLock } from './apache-kafka-distribution';

const run = promisify(execFile);

/**
 * Runs a broker with `-XX:ArchiveClassesAtExit=<file>` until it is up, then stops it gracefully: the JVM writes the
 * archive as it exits (never on kill -9).
 */
export type ClassArchiveDump = (jvmOptions: string[]) => Promise<void>;

let archived: Promise<string[]> | undefined;

/**
 * The JVM options that start a broker from a class-data-sharing archive of its own classes (Java's dynamic AppCDS):
 * a broker loads over 7,000 classes (~3,700 of them from the Kafka and Scala jars) at every start, and mapping them
 * instead of parsing and verifying them saves about a third of a start's CPU. The archive is made once per Kafka
 * version and JVM build, by one dump under a lock shared by the jest workers. It only speeds the start up: a JVM
 * that finds it stale (another class path or build) ignores it, and a failed dump leaves every start as it was.
 */
export function classArchiveJvmOptions(dump: ClassArchiveDump): Promise<string[]> {
  archived ??= archiveFor(dump).catch(() => []);
  return archived;
}

async function archiveFor(dump: ClassArchiveDump): Promise<string[]> {
  const dir = apacheKafkaCacheDir();
  const name = `classes-${await jvmBuildKey()}`;
  const archive = join(dir, `${name}.jsa`);
  const failed = join(dir, `${name}.failed`);
  if (!existsSync(archive) && !existsSync(failed))
    await withDirLock(join(dir, '.class-archive.lock'), async () => {
      if (existsSync(archive) || existsSync(failed)) return;
      const partial = `${archive}.partial`;
      rmSync(partial, { force: true });
      try {
        await dump([`-XX:ArchiveClassesAtExit=${partial}`]);
        if (!existsSync(partial)) throw new Error('the JVM exited without writing its class archive');
        renameSync(partial, archive);
      } catch (error) {
        // remembered, so that not every later start pays for another dump
        writeFileSync(failed, `${error instanceof Error ? error.message : String(error)}\n`);
      }
    });
  return existsSync(archive) ? [`-XX:SharedArchiveFile=${archive}`] : [];
}

/** An archive belongs to one JVM build: `java -version` names it. */
async function jvmBuildKey(): Promise<string> {
  const { stdout, stderr } = await run('java', ['-version']);
  return createHash('sha1')
    .update(stdout + stderr)
    .digest('hex')
    .slice(0, 12);
}
