import { KafkaTables } from './kafka-tables.ddl';
import type { OutboxSequence } from './outbox-sequence';
import type { SqlExecutor } from './sql-client';

interface Mark {
  origin: string;
  lane: string;
  pos: bigint;
  changed: boolean;
}

interface MarkRow {
  origin: string;
  lane: string;
  last_pos: string;
}

/**
 * Exactly-once for relayed messages at no cost per message: per (group, topic, partition, origin, lane) the
 * highest position applied. The relay publishes each lane in strictly increasing position and a republish repeats
 * a prefix, so anything at or below the mark was applied before. Must run inside the batch transaction after the
 * offset fence lock: that lock serializes the partition's batches, so the marks read are current.
 * One SELECT and at most one upsert per batch, however many messages.
 */
export class SequenceDedupe {
  constructor(private readonly groupId: string) {}

  /**
   * For each entry (in message order), whether it is a duplicate; entries without a sequence are never one
   * here. Marks move up as it walks, so a replay inside the batch (..., 99, 100, 50, 51, ...) is caught too.
   */
  async check(tx: SqlExecutor, topic: string, partition: number, sequences: readonly (OutboxSequence | undefined)[]): Promise<boolean[]> {
    const marks = await this.readMarks(tx, topic, partition);
    const duplicates = sequences.map((seq) => {
      if (!seq) return false;
      const key = markKey(seq.origin, seq.lane);
      const mark = marks.get(key);
      if (mark && seq.pos <= mark.pos) return true;
      marks.set(key, { origin: seq.origin, lane: seq.lane, pos: seq.pos, changed: true });
      return false;
    });
    await this.writeMarks(
      tx,
      topic,
      partition,
      [...marks.values()].filter((m) => m.changed),
    );
    return duplicates;
  }

  private async readMarks(tx: SqlExecutor, topic: string, partition: number): Promise<Map<string, Mark>> {
    const { rows } = await tx.query<MarkRow>(
      `SELECT origin, lane, last_pos FROM ${KafkaTables.inboxSequences}
       WHERE group_id = $1 AND topic = $2 AND partition = $3`,
      [this.groupId, topic, partition],
    );
    const marks = new Map<string, Mark>();
    for (const row of rows)
      marks.set(markKey(row.origin, row.lane), { origin: row.origin, lane: row.lane, pos: BigInt(row.last_pos), changed: false });
    return marks;
  }

  private async writeMarks(tx: SqlExecutor, topic: string, partition: number, changed: readonly Mark[]): Promise<void> {
    if (changed.length === 0) return;
    await tx.query(
      `INSERT INTO ${KafkaTables.inboxSequences} (group_id, topic, partition, origin, lane, last_pos)
       SELECT $1, $2, $3, origin, lane, last_pos
       FROM unnest($4::text[], $5::text[], $6::bigint[]) AS m(origin, lane, last_pos)
       ON CONFLICT (group_id, topic, partition, origin, lane) DO UPDATE SET last_pos = EXCLUDED.last_pos`,
      [this.groupId, topic, partition, changed.map((m) => m.origin), changed.map((m) => m.lane), changed.map((m) => m.pos.toString())],
    );
  }
}

/** The origin never contains ':', so this key is unambiguous. */
function markKey(origin: string, lane: string): string {
  return `${origin}:${lane}`;
}
