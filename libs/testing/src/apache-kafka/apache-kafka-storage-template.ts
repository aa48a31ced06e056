import { randomBytes } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apacheKafkaCacheDir } from './apache-kafka-distribution';

/**
 * Formats a new cluster's storage (`logDirs[i]` is node i + 1's log dir) and writes its id to `dataDir/cluster-id`.
 * `kafka-storage format` is a JVM per node on the start's critical path, and for a given release and cluster size
 * it always writes the same thing but the ids (meta.properties: cluster, node and directory id; bootstrap.checkpoint:
 * the release's feature levels). So the first cluster of a size is formatted by `format` and kept in the cache, and
 * later ones copy it. Clusters made from one copy share their ids, which is harmless: they never meet.
 */
export async function formatClusterStorage(
  dataDir: string,
  logDirs: readonly string[],
  format: (clusterId: string) => Promise<void>,
): Promise<void> {
  const template = join(apacheKafkaCacheDir(), `formatted-${logDirs.length}-nodes`);
  if (existsSync(join(template, 'cluster-id'))) {
    logDirs.forEach((dir, i) => cpSync(join(template, `node-${i + 1}`), dir, { recursive: true }));
    copyFileSync(join(template, 'cluster-id'), join(dataDir, 'cluster-id'));
    return;
  }
  const clusterId = randomBytes(16).toString('base64url');
  await format(clusterId);
  writeFileSync(join(dataDir, 'cluster-id'), clusterId);
  keepAsTemplate(template, logDirs, clusterId);
}

/** Published by one rename, so a worker never copies a half-written template; the first of two racing workers wins. */
function keepAsTemplate(template: string, logDirs: readonly string[], clusterId: string): void {
  const staging = mkdtempSync(`${template}.staging-`);
  try {
    logDirs.forEach((dir, i) => cpSync(dir, join(staging, `node-${i + 1}`), { recursive: true }));
    writeFileSync(join(staging, 'cluster-id'), clusterId);
    renameSync(staging, template);
  } catch {
    rmSync(staging, { recursive: true, force: true });
  }
}
