import * as fs from 'node:fs';
import * as path from 'node:path';

export interface CatalogVersion {
  version: number;
  /** Path relative to the repository root, for messages and generated headers. */
  file: string;
  schema: AvroSchemaNode;
}

export interface CatalogTopic {
  topic: string;
  versions: CatalogVersion[];
}

export type AvroSchemaNode = string | AvroSchemaNode[] | { [key: string]: unknown };

const TOPIC_FOLDER = /^[a-z][a-z0-9]*(\.[a-z][a-z0-9-]*)+$/;
const VERSION_FILE = /^v([1-9][0-9]*)\.avsc$/;

/** Reads libs/contracts/schemas/<topic>/v<N>.avsc; versions must run 1..N without gaps. */
export function readSchemaCatalog(repoRoot: string, schemasDir = 'libs/contracts/schemas'): CatalogTopic[] {
  const root = path.join(repoRoot, schemasDir);
  const topics: CatalogTopic[] = [];
  for (const topic of fs.readdirSync(root).sort()) {
    const topicDir = path.join(root, topic);
    if (!fs.statSync(topicDir).isDirectory()) continue;
    if (!TOPIC_FOLDER.test(topic)) throw new Error(`${schemasDir}/${topic}: folder name is not a topic name`);
    const versions: CatalogVersion[] = [];
    for (const fileName of fs.readdirSync(topicDir)) {
      const match = VERSION_FILE.exec(fileName);
      if (!match) throw new Error(`${schemasDir}/${topic}/${fileName}: expected files named v<N>.avsc`);
      const file = `${schemasDir}/${topic}/${fileName}`;
      const schema = JSON.parse(fs.readFileSync(path.join(topicDir, fileName), 'utf8')) as AvroSchemaNode;
      versions.push({ version: Number(match[1]), file, schema });
    }
    versions.sort((a, b) => a.version - b.version);
    versions.forEach((v, index) => {
      if (v.version !== index + 1) throw new Error(`${schemasDir}/${topic}: versions must be v1..vN without gaps (found v${v.version})`);
    });
    if (versions.length === 0) throw new Error(`${schemasDir}/${topic}: no schema versions`);
    topics.push({ topic, versions });
  }
  return topics;
}
