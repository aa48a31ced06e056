import { rejectedOrigin, Topics, tryDecode } from '@tessera/contracts';
import { drop, ok, type InboundMessage, type SqlExecutor, type StepResult } from '@tessera/kafka';

/** One record of a run that a later service dead-lettered, named by its messageId. */
export interface RunRejection {
  runId: string;
  messageId: string;
}

/**
 * A cdp.events.rejected message as a run's rejection, or a drop: most rejections are events, records sent over
 * POST /v1/records or unreadable (validation files those), and none of them names a run.
 */
export function runRejectionOf(message: InboundMessage): StepResult<RunRejection> {
  if (!message.value) return drop('empty DLQ record');
  const decoded = tryDecode(Topics.EventsRejected, message.value);
  if (!decoded.ok) return drop(`unreadable DLQ record: ${decoded.error.message}`);
  const origin = rejectedOrigin(decoded.value);
  if (!origin) return drop('no connector origin');
  return ok({ runId: origin.runId, messageId: decoded.value.messageId ?? decoded.value.rejectionId });
}

/**
 * Adds the rejections to their runs' records_rejected_downstream, each (run, messageId) once: a record rejected
 * again after a replay is the same rejected record. Runs this service does not hold are skipped. Returns how many
 * were counted.
 */
export async function countRunRejections(tx: SqlExecutor, rejections: readonly RunRejection[]): Promise<number> {
  if (rejections.length === 0) return 0;
  const { rows } = await tx.query<{ counted: string }>(
    `WITH fresh AS (
       INSERT INTO run_rejections (run_id, message_id)
       SELECT r.run_id, r.message_id FROM unnest($1::text[], $2::text[]) AS r (run_id, message_id) JOIN runs USING (run_id)
       ON CONFLICT DO NOTHING
       RETURNING run_id),
     per_run AS (SELECT run_id, count(*) AS n FROM fresh GROUP BY run_id),
     bumped AS (
       UPDATE runs SET records_rejected_downstream = runs.records_rejected_downstream + per_run.n
       FROM per_run WHERE runs.run_id = per_run.run_id
       RETURNING per_run.n)
     SELECT coalesce(sum(n), 0) AS counted FROM bumped`,
    [rejections.map((r) => r.runId), rejections.map((r) => r.messageId)],
  );
  return Number(rows[0].counted);
}
