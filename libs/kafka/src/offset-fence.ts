import { KafkaTables } from './kafka-tables.ddl';
import type { SqlExecutor } from './sql-client';
import type { StatementParams } from './statement-parts';

/**
 * The consumed-offset row of one (group, topic, partition), read and written inside the batch transaction.
 * `lock` takes the row lock: a zombie instance that still holds a batch after a rebalance blocks here until the
 * new owner's transaction ends, then sees the advanced offset and skips what was already applied.
 */
export class OffsetFence {
  /** The transaction that holds the row lock (its outbox lane is consumerLane(this)). */
  lockedBy: SqlExecutor | undefined;

  constructor(
    readonly groupId: string,
    readonly topic: string,
    readonly partition: number,
  ) {}

  /** Returns the next offset to apply (0 when the partition was never applied by this group). */
  async lock(tx: SqlExecutor): Promise<bigint> {
    const [next] = await lockFences(tx, [this]);
    return next;
  }
}

function byTopicPartition(a: OffsetFence, b: OffsetFence): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  return a.partition - b.partition;
}

/**
 * Locks the offset rows of several partitions of one group in one statement and returns each one's next offset, in
 * the order given. The rows are locked in (topic, partition) order whatever the order given, so two transactions
 * that each lock several (a group commit and a zombie's) wait for each other instead of deadlocking.
 */
export async function lockFences(tx: SqlExecutor, fences: readonly OffsetFence[]): Promise<bigint[]> {
  if (fences.length === 0) return [];
  const groupId = fences[0].groupId;
  if (fences.some((f) => f.groupId !== groupId)) throw new Error('lockFences: fences of one group only');
  const sorted = [...fences].sort(byTopicPartition);
  // ON CONFLICT DO UPDATE (a no-op write) both creates a row on first use and locks it, one row after the other in
  // the order of the ordinality, in one round trip.
  const { rows } = await tx.query<{ topic: string; partition: number; next_offset: string }>(
    `INSERT INTO ${KafkaTables.offsets} AS o (group_id, topic, partition, next_offset)
     SELECT $1, f.topic, f.partition, 0 FROM unnest($2::text[], $3::int[]) WITH ORDINALITY AS f(topic, partition, n) ORDER BY f.n
     ON CONFLICT (group_id, topic, partition) DO UPDATE SET next_offset = o.next_offset
     RETURNING topic, partition, next_offset`,
    [groupId, sorted.map((f) => f.topic), sorted.map((f) => f.partition)],
  );
  const next = new Map(rows.map((r) => [`${r.partition}:${r.topic}`, BigInt(r.next_offset)]));
  return fences.map((f) => {
    f.lockedBy = tx;
    return next.get(`${f.partition}:${f.topic}`)!;
  });
}

/**
 * Moves each fence's next offset forward (never back), the rows being locked already: an UPDATE with its values
 * bound in `params`, run as a part of the outbox insert (a WITH clause).
 */
export function advanceFencesSql(params: StatementParams, advances: readonly { fence: OffsetFence; nextOffset: bigint }[]): string {
  return `UPDATE ${KafkaTables.offsets} AS o SET next_offset = a.next_offset, updated_at = now()
     FROM unnest(${params.bind(advances.map((a) => a.fence.topic))}::text[], ${params.bind(advances.map((a) => a.fence.partition))}::int[],
                 ${params.bind(advances.map((a) => a.nextOffset.toString()))}::bigint[]) AS a(topic, partition, next_offset)
     WHERE o.group_id = ${params.bind(advances[0].fence.groupId)} AND o.topic = a.topic AND o.partition = a.partition
       AND o.next_offset < a.next_offset`;
}
