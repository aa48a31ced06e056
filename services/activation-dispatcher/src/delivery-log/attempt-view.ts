/** One attempt of a delivery, as the delivery log and the DLQ show it. */
export interface AttemptView {
  attempt: number;
  batchId: string | null;
  startedAt: string;
  finishedAt: string;
  outcome: string;
  httpStatus: number | null;
  error: string | null;
}

/** A delivery_attempts row, read as columns (Date) or through jsonb_build_object (ISO text). */
export interface AttemptRow {
  attempt: number;
  batch_id: string | null;
  started_at: Date | string;
  finished_at: Date | string;
  outcome: string;
  http_status: number | null;
  error: string | null;
}

export function toAttemptView(a: AttemptRow): AttemptView {
  return {
    attempt: a.attempt,
    batchId: a.batch_id,
    startedAt: new Date(a.started_at).toISOString(),
    finishedAt: new Date(a.finished_at).toISOString(),
    outcome: a.outcome,
    httpStatus: a.http_status,
    error: a.error,
  };
}
