import type { SqlExecutor } from '@tessera/kafka';

/**
 * Keeps a new sync's first diff and the consumer's membership changes of its segment apart. Without it, a slice
 * that loaded the segment's syncs before the sync existed and committed its member after the diff read the members
 * would leave that member out of the sync for good. The consumer takes the segments' locks shared (slices never wait
 * on each other), a mirror takes its segment's lock exclusive: it waits for the slices in flight, and every later
 * slice sees the sync. Both take it before any profile lock, so the two orders never cross.
 */
export async function lockSegments(tx: SqlExecutor, segmentIds: Iterable<string>, mode: 'shared' | 'exclusive'): Promise<void> {
  const sorted = [...new Set(segmentIds)].sort();
  if (sorted.length === 0) return;
  const lock = mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock';
  // the schema in the key: two dispatchers' schemas on one cluster never share a segment's lock
  await tx.query(
    `SELECT ${lock}(hashtext('tessera_activation_segment:' || current_schema()), hashtext(id))
       FROM (SELECT unnest($1::text[]) AS id ORDER BY 1) AS s`,
    [sorted],
  );
}
