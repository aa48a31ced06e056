import * as fs from 'node:fs';
import { writeFullySync } from './atomic-file';

/** How one index entry (a sorted key and its value) is laid out on disk. */
export interface IndexEntryLayout {
  readonly entrySize: number;
  write(buffer: Buffer, at: number, key: number, value: number): void;
  readKey(buffer: Buffer, at: number): number;
  readValue(buffer: Buffer, at: number): number;
}

/** Kafka's .index layout: relative offset int32 -> file position int32 (our key is the batch's base offset). */
export const OFFSET_INDEX_LAYOUT: IndexEntryLayout = {
  entrySize: 8,
  write: (b, at, key, value) => {
    b.writeInt32BE(key, at);
    b.writeInt32BE(value, at + 4);
  },
  readKey: (b, at) => b.readInt32BE(at),
  readValue: (b, at) => b.readInt32BE(at + 4),
};

/** Kafka's .timeindex layout: max timestamp so far int64 -> relative base offset int32 of the batch reaching it. */
export const TIME_INDEX_LAYOUT: IndexEntryLayout = {
  entrySize: 12,
  write: (b, at, key, value) => {
    b.writeBigInt64BE(BigInt(key), at);
    b.writeInt32BE(value, at + 8);
  },
  readKey: (b, at) => Number(b.readBigInt64BE(at)),
  readValue: (b, at) => b.readInt32BE(at + 8),
};

/**
 * A sparse, append-only index kept whole in memory and mirrored to a file. New entries are buffered and written
 * with one write per append (`flush`); the file is never fsynced on the hot path because it is checked against the
 * log and rebuilt at start-up when it does not match.
 */
export class SparseIndex {
  private readonly keys: number[] = [];
  private readonly values: number[] = [];
  private flushedCount = 0;
  private fd: number | null = null;

  constructor(
    readonly filePath: string,
    private readonly layout: IndexEntryLayout,
  ) {}

  /** Loads an index file; null when it is missing, torn or not sorted, so the caller rebuilds it. */
  static load(filePath: string, layout: IndexEntryLayout): SparseIndex | null {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(filePath);
    } catch {
      return null;
    }
    if (bytes.length % layout.entrySize !== 0) return null;
    const index = new SparseIndex(filePath, layout);
    for (let at = 0; at < bytes.length; at += layout.entrySize) {
      const key = layout.readKey(bytes, at);
      const value = layout.readValue(bytes, at);
      const count = index.keys.length;
      if (count > 0 && (key <= index.keys[count - 1] || value < index.values[count - 1])) return null;
      index.keys.push(key);
      index.values.push(value);
    }
    index.flushedCount = index.keys.length;
    return index;
  }

  get count(): number {
    return this.keys.length;
  }
  keyAt(i: number): number {
    return this.keys[i];
  }
  valueAt(i: number): number {
    return this.values[i];
  }
  get lastKey(): number | undefined {
    return this.keys[this.keys.length - 1];
  }
  get lastValue(): number | undefined {
    return this.values[this.values.length - 1];
  }

  /** Index of the last entry whose key is <= target (or < target when `strict`), or -1. */
  floor(target: number, strict = false): number {
    let lo = 0;
    let hi = this.keys.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const key = this.keys[mid];
      if (strict ? key < target : key <= target) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  append(key: number, value: number): void {
    this.keys.push(key);
    this.values.push(value);
  }

  /** Writes the entries appended since the last flush, in one write. */
  flush(): void {
    const pending = this.keys.length - this.flushedCount;
    if (pending <= 0) return;
    const buffer = Buffer.allocUnsafe(pending * this.layout.entrySize);
    for (let i = 0; i < pending; i++) {
      const e = this.flushedCount + i;
      this.layout.write(buffer, i * this.layout.entrySize, this.keys[e], this.values[e]);
    }
    writeFullySync(this.openFd(), buffer, this.flushedCount * this.layout.entrySize);
    this.flushedCount = this.keys.length;
  }

  /** Drops every entry from `count` on, in memory and on disk. */
  truncateToCount(count: number): void {
    if (count >= this.keys.length) return;
    this.keys.length = count;
    this.values.length = count;
    if (this.flushedCount > count) {
      fs.ftruncateSync(this.openFd(), count * this.layout.entrySize);
      this.flushedCount = count;
    }
  }

  /** Replaces the file with the in-memory entries (after a rebuild). */
  rewrite(): void {
    fs.ftruncateSync(this.openFd(), 0);
    this.flushedCount = 0;
    this.flush();
  }

  sync(): void {
    if (this.fd !== null) fs.fdatasyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== null) {
      fs.closeSync(this.fd);
      this.fd = null;
    }
  }

  private openFd(): number {
    if (this.fd === null) this.fd = fs.openSync(this.filePath, fs.existsSync(this.filePath) ? 'r+' : 'w+');
    return this.fd;
  }
}
