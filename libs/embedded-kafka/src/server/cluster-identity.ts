import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

const FILE = 'meta.properties';

/**
 * The cluster id, generated once and kept in <dataDir>/meta.properties like Kafka's, so clients that cache it
 * (librdkafka logs a change) see the same cluster across restarts. Format: 22-char URL-safe base64 of a UUID.
 */
export function loadOrCreateClusterId(dataDir: string, brokerId: number): string {
  const file = path.join(dataDir, FILE);
  if (fs.existsSync(file)) {
    const match = /^cluster\.id=(.+)$/m.exec(fs.readFileSync(file, 'utf8'));
    if (match) return match[1].trim();
  }
  const clusterId = Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, `# written by the Tessera embedded broker\nversion=1\ncluster.id=${clusterId}\nnode.id=${brokerId}\n`);
  fs.renameSync(tmp, file);
  return clusterId;
}
