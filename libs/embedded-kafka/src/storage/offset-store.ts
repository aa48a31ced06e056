import * as fs from 'node:fs';
import { crc32c } from '@node-rs/crc32';
import type { Logger } from 'pino';
import { readFullySync, writeFileAtomicSync, writeFullySync } from './atomic-file';
import { GroupFsync } from './group-fsync';

export interface CommittedOffset {
  offset: bigint;
  leaderEpoch: number;
  metadata: string | null;
}

export interface OffsetCommitEntry extends CommittedOffset {
  topic: string;
  partition: number;
}

type OffsetRecord =
  | { type: 'commit'; group: string; entries: Array<{ t: string; p: number; o: string; e: number; m: string | null }> }
  | { type: 'delete-group'; group: string }
  | { type: 'delete-topic'; topic: string };

/** Each record: length int32 | crc32c int32 (of the payload) | JSON payload. */
const RECORD_HEADER_BYTES = 8;
/** Compact at run time once the file holds this many records beyond the live state, to bound its growth. */
const COMPACT_AFTER_RECORDS = 100_000;

/**
 * Durable committed group offsets (what Kafka keeps in __consumer_offsets): an append-only file of CRC-checked
 * records, replayed and compacted when opened. A commit is durable when the promise `commit` returns resolves:
 * its record is written at once and fdatasynced on the thread pool, one fdatasync shared by every commit written
 * meanwhile (group commit), so the broker's event loop never waits for the disk and a busy broker pays one fsync
 * per round of commits, not one per commit. A torn last record is dropped, which only loses a commit that was
 * never acknowledged.
 */
export class OffsetStore {
  private readonly groupsByName = new Map<string, Map<string, Map<number, CommittedOffset>>>();
  private readonly fsync = new GroupFsync(() => this.fd);
  private fd = -1;
  private size = 0;
  private recordsSinceCompaction = 0;

  private constructor(
    private readonly filePath: string,
    private readonly logger?: Logger,
  ) {}

  static open(filePath: string, logger?: Logger): OffsetStore {
    const store = new OffsetStore(filePath, logger);
    store.replay();
    store.compact();
    return store;
  }

  /**
   * Applies the commit (fetch sees it at once) and resolves once it is on disk: answer the client only then. A
   * commit fetched before its fsync and lost in a crash regresses the group's position, which consumers see as
   * a redelivery (at-least-once, as with any uncommitted offset).
   */
  commit(group: string, entries: OffsetCommitEntry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    return this.apply({
      type: 'commit',
      group,
      entries: entries.map((e) => ({ t: e.topic, p: e.partition, o: e.offset.toString(), e: e.leaderEpoch, m: e.metadata })),
    });
  }

  fetch(group: string): Map<string, Map<number, CommittedOffset>> {
    const topics = this.groupsByName.get(group);
    const copy = new Map<string, Map<number, CommittedOffset>>();
    if (topics) for (const [topic, partitions] of topics) copy.set(topic, new Map(partitions));
    return copy;
  }

  groups(): string[] {
    return [...this.groupsByName.keys()];
  }

  /** Rare (topic or group deletion): durable before it returns. */
  deleteGroup(group: string): void {
    if (this.groupsByName.has(group)) this.applySync({ type: 'delete-group', group });
  }

  deleteTopic(topic: string): void {
    const used = [...this.groupsByName.values()].some((topics) => topics.has(topic));
    if (used) this.applySync({ type: 'delete-topic', topic });
  }

  close(): void {
    if (this.fd >= 0) {
      fs.fsyncSync(this.fd);
      this.fsync.close();
      fs.closeSync(this.fd);
      this.fd = -1;
    }
  }

  private apply(record: OffsetRecord): Promise<void> {
    this.write(record);
    this.applyInMemory(record);
    const durable = this.fsync.request();
    this.compactIfDue();
    return durable;
  }

  private applySync(record: OffsetRecord): void {
    this.write(record);
    fs.fdatasyncSync(this.fd);
    this.fsync.settleAll();
    this.applyInMemory(record);
    this.compactIfDue();
  }

  /** Not while an fdatasync runs on the thread pool: compaction replaces (closes) the file it works on. */
  private compactIfDue(): void {
    if (++this.recordsSinceCompaction >= COMPACT_AFTER_RECORDS && !this.fsync.busy) {
      this.compact();
      // The rewrite holds every commit and is fsynced: whoever still waits is durable.
      this.fsync.settleAll();
    }
  }

  private write(record: OffsetRecord): void {
    const bytes = OffsetStore.encode(record);
    writeFullySync(this.fd, bytes, this.size);
    this.size += bytes.length;
  }

  private static encode(record: OffsetRecord): Buffer {
    const payload = Buffer.from(JSON.stringify(record), 'utf8');
    const bytes = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payload.length);
    bytes.writeInt32BE(payload.length, 0);
    bytes.writeUInt32BE(crc32c(payload), 4);
    payload.copy(bytes, RECORD_HEADER_BYTES);
    return bytes;
  }

  private applyInMemory(record: OffsetRecord): void {
    if (record.type === 'commit') {
      let topics = this.groupsByName.get(record.group);
      if (!topics) this.groupsByName.set(record.group, (topics = new Map()));
      for (const e of record.entries) {
        let partitions = topics.get(e.t);
        if (!partitions) topics.set(e.t, (partitions = new Map()));
        partitions.set(e.p, { offset: BigInt(e.o), leaderEpoch: e.e, metadata: e.m });
      }
    } else if (record.type === 'delete-group') {
      this.groupsByName.delete(record.group);
    } else {
      for (const [group, topics] of this.groupsByName) {
        topics.delete(record.topic);
        if (topics.size === 0) this.groupsByName.delete(group);
      }
    }
  }

  private replay(): void {
    if (!fs.existsSync(this.filePath)) return;
    const fd = fs.openSync(this.filePath, 'r');
    try {
      const total = fs.fstatSync(fd).size;
      const bytes = Buffer.allocUnsafe(total);
      readFullySync(fd, bytes, 0, total, 0);
      let at = 0;
      while (at + RECORD_HEADER_BYTES <= total) {
        const length = bytes.readInt32BE(at);
        if (length < 0 || at + RECORD_HEADER_BYTES + length > total) break;
        const payload = bytes.subarray(at + RECORD_HEADER_BYTES, at + RECORD_HEADER_BYTES + length);
        if (crc32c(payload) !== bytes.readUInt32BE(at + 4)) break;
        let record: OffsetRecord;
        try {
          record = JSON.parse(payload.toString('utf8')) as OffsetRecord;
        } catch {
          break;
        }
        this.applyInMemory(record);
        at += RECORD_HEADER_BYTES + length;
      }
      if (at < total)
        this.logger?.warn(
          { file: this.filePath, droppedBytes: total - at },
          'dropped a torn or corrupt tail of the committed offsets file',
        );
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Rewrites the file as one commit record per group, atomically, and reopens it for appends. */
  private compact(): void {
    const chunks: Buffer[] = [];
    for (const [group, topics] of this.groupsByName) {
      const entries: OffsetCommitEntry[] = [];
      for (const [topic, partitions] of topics) for (const [partition, c] of partitions) entries.push({ topic, partition, ...c });
      chunks.push(
        OffsetStore.encode({
          type: 'commit',
          group,
          entries: entries.map((e) => ({ t: e.topic, p: e.partition, o: e.offset.toString(), e: e.leaderEpoch, m: e.metadata })),
        }),
      );
    }
    if (this.fd >= 0) fs.closeSync(this.fd);
    const content = Buffer.concat(chunks);
    writeFileAtomicSync(this.filePath, content);
    this.fd = fs.openSync(this.filePath, 'r+');
    this.size = content.length;
    this.recordsSinceCompaction = 0;
  }
}
