import { decodeOutboxBatch, type PackedMessage } from './outbox-batch-codec';

/** How much a schema's memory holds at most; past it, new rows are left to be read back from the table. */
const DEFAULT_MAX_BYTES = 64 * 1_048_576;
/** A row still unpublished after this long was most likely rolled back (its id never becomes visible). */
const STALE_MS = 60_000;

interface Remembered {
  /** The messages, or the packed row they are decoded from when claimed (a row another thread wrote). */
  readonly messages: PackedMessage[] | Buffer;
  readonly bytes: number;
  readonly at: number;
}

/**
 * The packed outbox rows this process inserted and its relay has not yet published, kept as the messages they were
 * packed from, by row id. The relay still claims rows from the table (that is what orders and fences them); for a
 * row it finds here it skips reading the packed bytes back, decoding them and rebuilding each message. A row that
 * is not here (written by another replica, before a restart, or evicted) is read from the table as before, so the
 * memory is only ever a shortcut: losing it loses nothing. A rolled-back transaction's rows stay until they are
 * stale or pushed out by the size bound; their ids are never claimed.
 */
export class OutboxMemory {
  private readonly rows = new Map<string, Remembered>();
  private bytes = 0;

  constructor(private readonly maxBytes = DEFAULT_MAX_BYTES) {}

  /**
   * Keeps the messages of a just-inserted row (or its packed bytes: the writer passes both); nothing when the bound
   * would be exceeded.
   */
  remember(id: string, messages: PackedMessage[] | Buffer, bytes: number, _packed?: Buffer): void {
    this.evictStale();
    if (this.bytes + bytes > this.maxBytes) return;
    this.rows.set(id, { messages, bytes, at: Date.now() });
    this.bytes += bytes;
  }

  /** The row ids held, for the claim to skip their bytes. */
  ids(): string[] {
    return [...this.rows.keys()];
  }

  messagesOf(id: string): PackedMessage[] | undefined {
    const messages = this.rows.get(id)?.messages;
    return Buffer.isBuffer(messages) ? decodeOutboxBatch(messages) : messages;
  }

  /** After the round that published them has committed. */
  forget(ids: readonly string[]): void {
    for (const id of ids) {
      const row = this.rows.get(id);
      if (!row) continue;
      this.rows.delete(id);
      this.bytes -= row.bytes;
    }
  }

  private evictStale(): void {
    const before = Date.now() - STALE_MS;
    // Map order is insertion order, so the oldest come first.
    for (const [id, row] of this.rows) {
      if (row.at >= before) break;
      this.rows.delete(id);
      this.bytes -= row.bytes;
    }
  }
}

/**
 * What names one outbox: its database and schema. Row ids are per table, so two databases' outboxes with the same
 * schema name (tests, or a process serving two databases) must not share a memory.
 */
export const OUTBOX_MEMORY_KEY_SQL = `current_database() || '.' || current_schema()`;

const memories = new Map<string, OutboxMemory>();

/** The memory of one outbox, by OUTBOX_MEMORY_KEY_SQL (every writer and relay of the process using it shares it). */
export function outboxMemory(key: string): OutboxMemory {
  let memory = memories.get(key);
  if (!memory) memories.set(key, (memory = new OutboxMemory()));
  return memory;
}

/**
 * The memory of a writer whose relay runs on another thread, which cannot see this one: it keeps nothing and hands
 * each row's packed bytes to `forward`, for the relay thread to `remember` in its own memory (in time or not: a row
 * it does not hold is read from the table, as always).
 */
export class ForwardingOutboxMemory extends OutboxMemory {
  constructor(private readonly forward: (id: string, packed: Buffer) => void) {
    super(0);
  }

  override remember(id: string, _messages: PackedMessage[] | Buffer, _bytes: number, packed?: Buffer): void {
    if (packed) this.forward(id, packed);
  }
}

/** Replaces the memory of one outbox (by OUTBOX_MEMORY_KEY_SQL), e.g. with a ForwardingOutboxMemory. */
export function useOutboxMemory(key: string, memory: OutboxMemory): void {
  memories.set(key, memory);
}
