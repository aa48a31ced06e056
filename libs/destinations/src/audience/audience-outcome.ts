import type { DeliveryItem, ItemRejection, SendResult } from '../destination';

/** What one platform call did with the items it carried. */
export type CallOutcome =
  { kind: 'done'; rejected: ItemRejection[]; status?: number; note?: string } | { kind: 'failed'; result: SendResult };

/**
 * Extra calls one batch may spend on splitting. A single bad record among 10,000 costs 2 x 14 calls to find; a
 * refusal that is about the request, not a record (a deleted audience), must not cost 20,000 calls before it is
 * reported, so when the budget runs out the remaining refused part is rejected as a whole.
 */
export const SPLIT_CALL_BUDGET = 64;

/**
 * Sends `items` with `call`; when the platform refuses the whole request as malformed (terminal) the items are split
 * in halves and retried, down to single records, so one bad record never takes the batch down with it.
 * Auth failures and retries are not split: they are about the request, not about a record.
 */
export async function sendSplitting(
  items: DeliveryItem[],
  call: (items: DeliveryItem[]) => Promise<CallOutcome>,
  outcome: AudienceOutcome,
  budget = { calls: SPLIT_CALL_BUDGET },
): Promise<void> {
  const result = await call(items);
  if (result.kind === 'done') {
    outcome.done(items, result.rejected, result.status, result.note);
    return;
  }
  if (result.result.outcome === 'terminal' && items.length > 1 && budget.calls >= 2) {
    budget.calls -= 2;
    const half = Math.ceil(items.length / 2);
    await sendSplitting(items.slice(0, half), call, outcome, budget);
    await sendSplitting(items.slice(half), call, outcome, budget);
    return;
  }
  outcome.failed(items, result.result);
}

/** Folds the calls of one batch (adds, removes, split halves) into the one SendResult the dispatcher acts on. */
export class AudienceOutcome {
  private readonly rejected: ItemRejection[] = [];
  private readonly retry: string[] = [];
  private delivered = 0;
  private status: number | undefined;
  private retryError: string | undefined;
  private retryAfterMs: number | undefined;
  private auth: SendResult | undefined;
  private readonly notes: string[] = [];

  constructor(private readonly total: number) {}

  /** Records refused before any call (nothing to match on). */
  reject(rejections: ItemRejection[]): void {
    this.rejected.push(...rejections);
  }

  done(items: DeliveryItem[], rejected: ItemRejection[], status?: number, note?: string): void {
    this.rejected.push(...rejected);
    this.delivered += items.length - rejected.length;
    this.status = status ?? this.status;
    if (note) this.notes.push(note);
  }

  failed(items: DeliveryItem[], result: SendResult): void {
    this.status = ('status' in result ? result.status : undefined) ?? this.status;
    if (result.outcome === 'terminal') {
      this.rejected.push(...items.map((i) => ({ deliveryId: i.deliveryId, error: result.error })));
      return;
    }
    this.retry.push(...items.map((i) => i.deliveryId));
    if (result.outcome === 'auth_failed') this.auth ??= result;
    if (result.outcome === 'retry') {
      this.retryError ??= result.error;
      if (result.retryAfterMs !== undefined) this.retryAfterMs = Math.max(this.retryAfterMs ?? 0, result.retryAfterMs);
    }
  }

  result(): SendResult {
    const note = this.notes.length > 0 ? this.notes.join('; ') : undefined;
    const status = this.status === undefined ? {} : { status: this.status };
    if (this.rejected.length === 0 && this.retry.length === 0) return { outcome: 'delivered', ...status, ...(note ? { note } : {}) };
    if (this.delivered === 0 && this.rejected.length === 0) {
      if (this.auth) return this.auth;
      return {
        outcome: 'retry',
        ...status,
        error: this.retryError ?? 'retry',
        ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
      };
    }
    if (this.total === 1 && this.rejected.length === 1) return { outcome: 'terminal', ...status, error: this.rejected[0].error };
    const authNote = this.auth && 'error' in this.auth ? this.auth.error : undefined;
    const notes = [note, authNote, this.retry.length > 0 && !authNote ? this.retryError : undefined].filter(Boolean).join('; ');
    return {
      outcome: 'partial',
      ...status,
      rejected: this.rejected,
      retry: this.retry,
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
      ...(notes ? { note: notes } : {}),
    };
  }
}

export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
