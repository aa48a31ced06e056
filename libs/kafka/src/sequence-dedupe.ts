import { KafkaTables } from './kafka-tables.ddl';
import type { OutboxSequence } from './outbox-sequence';
import type { SqlExecutor } from './sql-client';
import type { StatementParams } from './statement-parts';

/** A high-water mark that moved in this transaction and must be written with it. */
export interface Mark {
  topic: string;
  partition: number;
  origin: string;
  lane: string;
  pos: bigint;
  changed: boolean;
}

interface MarkRow {
  topic: string;
  partition: number;
  origin: string;
  lane: string;
  last_pos: string;
}

/** One partition's slice to check: the sequences of its messages, in message order. */
export interface PartitionSequences {
  topic: string;
  partition: number;
  sequences: readonly (OutboxSequence | undefined)[];
}

/**
 * Exactly-once for relayed messages at no cost per message: per (group, topic, partition, origin, lane) the
 * highest position applied. The relay publishes each lane in strictly increasing position and a republish repeats
 * a prefix, so anything at or below the mark was applied before. Must run inside the batch transaction after the
 * offset fence locks: those locks serialize each partition's batches, so the marks read are current.
 * One SELECT and at most one upsert per transaction, however many messages and partitions.
 */
export class SequenceDedupe {
  constructor(private readonly groupId: string) {}

  /**
   * For each message of each slice (each partition once), whether it is a duplicate; messages without a sequence
   * are never one here. Marks move up as it walks, so a replay inside a slice (..., 99, 100, 50, 51, ...) is caught
   * too. The marks that moved come back, to be written later in the same transaction (`writeMarksSql`, folded into
   * the transaction's last statement).
   */
  async findDuplicates(tx: SqlExecutor, slices: readonly PartitionSequences[]): Promise<{ duplicates: boolean[][]; moved: Mark[] }> {
    const wanted = slices.filter((s) => s.sequences.some((seq) => seq !== undefined));
    const marks = wanted.length > 0 ? await this.readMarks(tx, wanted) : new Map<string, Mark>();
    const duplicates = slices.map(({ topic, partition, sequences }) => {
      // A slice's messages mostly come from one lane: the mark of the previous message is looked up once.
      let mark: Mark | undefined;
      return sequences.map((seq) => {
        if (!seq) return false;
        if (mark?.origin !== seq.origin || mark.lane !== seq.lane) {
          const key = markKey(topic, partition, seq.origin, seq.lane);
          mark = marks.get(key);
          if (!mark) marks.set(key, (mark = { topic, partition, origin: seq.origin, lane: seq.lane, pos: -1n, changed: false }));
        }
        if (seq.pos <= mark.pos) return true;
        mark.pos = seq.pos;
        mark.changed = true;
        return false;
      });
    });
    return { duplicates, moved: [...marks.values()].filter((m) => m.changed) };
  }

  /** The upsert of the marks that moved, with its values bound in `params`: a part of a larger statement. */
  writeMarksSql(params: StatementParams, moved: readonly Mark[]): string {
    return `INSERT INTO ${KafkaTables.inboxSequences} (group_id, topic, partition, origin, lane, last_pos)
       SELECT ${params.bind(this.groupId)}, topic, partition, origin, lane, last_pos
       FROM unnest(${params.bind(moved.map((m) => m.topic))}::text[], ${params.bind(moved.map((m) => m.partition))}::int[],
                   ${params.bind(moved.map((m) => m.origin))}::text[], ${params.bind(moved.map((m) => m.lane))}::text[],
                   ${params.bind(moved.map((m) => m.pos.toString()))}::bigint[]) AS m(topic, partition, origin, lane, last_pos)
       ON CONFLICT (group_id, topic, partition, origin, lane) DO UPDATE SET last_pos = EXCLUDED.last_pos`;
  }

  private async readMarks(tx: SqlExecutor, slices: readonly PartitionSequences[]): Promise<Map<string, Mark>> {
    const { rows } = await tx.query<MarkRow>(
      `SELECT s.topic, s.partition, s.origin, s.lane, s.last_pos
       FROM unnest($2::text[], $3::int[]) AS p(topic, partition)
       JOIN ${KafkaTables.inboxSequences} s ON s.group_id = $1 AND s.topic = p.topic AND s.partition = p.partition`,
      [this.groupId, slices.map((s) => s.topic), slices.map((s) => s.partition)],
    );
    const marks = new Map<string, Mark>();
    for (const row of rows)
      marks.set(markKey(row.topic, row.partition, row.origin, row.lane), {
        topic: row.topic,
        partition: row.partition,
        origin: row.origin,
        lane: row.lane,
        pos: BigInt(row.last_pos),
        changed: false,
      });
    return marks;
  }
}

/** The origin never contains ':' and the partition is a number, so this key is unambiguous. */
function markKey(topic: string, partition: number, origin: string, lane: string): string {
  return `${partition}:${origin}:${lane}:${topic}`;
}
