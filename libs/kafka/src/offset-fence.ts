import { KafkaTables } from './kafka-tables.ddl';
import type { SqlExecutor } from './sql-client';

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
    // ON CONFLICT DO UPDATE (a no-op write) both creates the row on first use and locks it, in one round trip.
    const { rows } = await tx.query<{ next_offset: string }>(
      `INSERT INTO ${KafkaTables.offsets} AS o (group_id, topic, partition, next_offset)
       VALUES ($1, $2, $3, 0)
       ON CONFLICT (group_id, topic, partition) DO UPDATE SET next_offset = o.next_offset
       RETURNING next_offset`,
      [this.groupId, this.topic, this.partition],
    );
    this.lockedBy = tx;
    return BigInt(rows[0].next_offset);
  }

  async advance(tx: SqlExecutor, nextOffset: bigint): Promise<void> {
    await tx.query(
      `UPDATE ${KafkaTables.offsets} SET next_offset = $4, updated_at = now()
       WHERE group_id = $1 AND topic = $2 AND partition = $3 AND next_offset < $4`,
      [this.groupId, this.topic, this.partition, nextOffset.toString()],
    );
  }
}
