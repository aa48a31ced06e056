import { KafkaTables } from './kafka-tables.ddl';
import type { OffsetFence } from './offset-fence';
import type { SqlExecutor } from './sql-client';

const ISSUED = Symbol('outbox-lane');

/**
 * A writer of the outbox whose transactions are serialised, so the rows it inserts get ids in commit order and a
 * row with a smaller id can never become visible after a larger one (Postgres makes a commit visible before it
 * releases the transaction's locks). Consumers dedupe relayed messages per lane on that order (sequence-dedupe.ts).
 * Only `consumerLane` and `lockWriterLane` make one, each after taking the lock that serialises it, and it is
 * good for the transaction that took the lock only.
 */
export class OutboxLane {
  /** @internal */
  constructor(
    token: typeof ISSUED,
    readonly id: string,
    readonly tx: SqlExecutor,
  ) {
    if (token !== ISSUED) throw new Error('an OutboxLane comes from consumerLane() or lockWriterLane()');
  }
}

/**
 * The lane of a consumer's input partition, `c:<group>:<topic>:<partition>`: the fence's row lock, held for the
 * whole batch transaction, already serialises the partition's slices (and a zombie with the new owner).
 */
export function consumerLane(fence: OffsetFence): OutboxLane {
  const tx = fence.lockedBy;
  if (!tx) throw new Error('consumerLane: lock the offset fence first');
  return new OutboxLane(ISSUED, `c:${fence.groupId}:${fence.topic}:${fence.partition}`, tx);
}

/**
 * The lane of a writer that is not a consumer (an HTTP handler, a timer, a connector run), `w:<name>`: locks its
 * counter row in kafka_outbox_lanes until the transaction ends, so the lane's transactions write their outbox rows
 * one after the other. Names come from a small, stable set per service (one per writer, or per configured
 * destination or connection): each lane costs every downstream partition one mark row, kept for ever. Call it right before writeOutbox, after the transaction's other locks: whoever holds a lane
 * then only inserts and commits, and never waits on a lock of someone waiting for the lane.
 */
export async function lockWriterLane(tx: SqlExecutor, name: string): Promise<OutboxLane> {
  if (name.length === 0 || name.length > 200) throw new Error(`lockWriterLane: a lane name has 1 to 200 characters, not ${name.length}`);
  const id = `w:${name}`;
  await tx.query(
    `INSERT INTO ${KafkaTables.outboxLanes} AS l (lane, writes) VALUES ($1, 1)
     ON CONFLICT (lane) DO UPDATE SET writes = l.writes + 1`,
    [id],
  );
  return new OutboxLane(ISSUED, id, tx);
}
