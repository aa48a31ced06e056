import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The pinned Apache Kafka release the tests and benchmarks run against (KRaft, Java 17+). */
export const APACHE_KAFKA_VERSION = '4.1.1';
const LOG4J_VERSION = '2.24.3';

/** Where resolved releases live between runs: TESSERA_CACHE_DIR, else ~/.cache/tessera. */
export function apacheKafkaCacheDir(version = APACHE_KAFKA_VERSION): string {
  return join(process.env.TESSERA_CACHE_DIR ?? join(homedir(), '.cache', 'tessera'), 'apache-kafka', version);
}

/**
 * The class path of Apache Kafka's broker (kafka_2.13 and its runtime dependencies), resolved by Maven from Maven
 * Central into the cache on first use. Jest workers share the cache: one resolves under a lock directory while
 * the others wait, and a `.complete` marker keeps a half-copied directory from ever being used.
 */
export async function apacheKafkaClassPath(version = APACHE_KAFKA_VERSION): Promise<string> {
  const dir = apacheKafkaCacheDir(version);
  const libs = join(dir, 'libs');
  const complete = join(dir, '.complete');
  if (!existsSync(complete))
    await withDirLock(join(dir, '.lock'), async () => {
      if (existsSync(complete)) return;
      rmSync(libs, { recursive: true, force: true });
      writeFileSync(join(dir, 'pom.xml'), pom(version));
      try {
        await run(
          'mvn',
          ['-q', '-B', '-f', join(dir, 'pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${libs}`, '-DincludeScope=runtime'],
          { timeout: 600_000, maxBuffer: 16 * 1024 * 1024 },
        );
      } catch (error) {
        const output = error as { stdout?: string; stderr?: string };
        throw new Error(
          `Maven could not resolve org.apache.kafka:kafka_2.13:${version} from Maven Central: ${(output.stdout ?? '').slice(-2000)}${(output.stderr ?? '').slice(-2000)}`,
        );
      }
      if (!readdirSync(libs).some((f) => f.startsWith(`kafka_2.13-${version}`)))
        throw new Error(`Maven resolved no kafka_2.13-${version} jar into ${libs}`);
      writeFileSync(complete, new Date().toISOString());
    });
  return `${libs}/*`;
}

function pom(version: string): string {
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.tessera.test</groupId><artifactId>apache-kafka-runtime</artifactId><version>${version}</version><packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>${version}</version></dependency>
    <!-- the broker logs through slf4j 1.7; log4j2's binding writes it to the node's server.log -->
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>${LOG4J_VERSION}</version></dependency>
  </dependencies>
</project>
`;
}

/** Runs `action` while holding a lock directory, which every jest worker (and process) on the machine respects. */
export async function withDirLock(lock: string, action: () => Promise<void>): Promise<void> {
  mkdirSync(join(lock, '..'), { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`waited 15 min for ${lock}; remove it if no resolution is running`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    await action();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
