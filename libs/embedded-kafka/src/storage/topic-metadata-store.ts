import * as fs from 'node:fs';
import { writeFileAtomicSync } from './atomic-file';

export interface TopicInfo {
  name: string;
  /** 16-byte topic UUID, as Metadata v10+ and Fetch v13+ carry it. */
  topicId: Buffer;
  partitions: number;
  configs: Record<string, string>;
}

interface StoredTopic {
  name: string;
  topicId: string;
  partitions: number;
  configs: Record<string, string>;
}

/** Durable topic metadata: one small JSON file replaced atomically on every change. */
export class TopicMetadataStore {
  constructor(private readonly filePath: string) {}

  load(): TopicInfo[] {
    if (!fs.existsSync(this.filePath)) return [];
    const parsed = JSON.parse(fs.readFileSync(this.filePath, 'utf8')) as { version: number; topics: StoredTopic[] };
    if (parsed.version !== 1) throw new Error(`${this.filePath}: unsupported version ${parsed.version}`);
    return parsed.topics.map((t) => ({
      name: t.name,
      topicId: Buffer.from(t.topicId, 'hex'),
      partitions: t.partitions,
      configs: t.configs,
    }));
  }

  save(topics: Iterable<TopicInfo>): void {
    const stored: StoredTopic[] = [...topics].map((t) => ({
      name: t.name,
      topicId: t.topicId.toString('hex'),
      partitions: t.partitions,
      configs: t.configs,
    }));
    writeFileAtomicSync(this.filePath, JSON.stringify({ version: 1, topics: stored }, null, 2));
  }
}
