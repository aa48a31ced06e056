import { inTransaction, lockWriterLane, writeOutbox, type SqlPool } from '@tessera/kafka';
import type { RejectionFilter, RejectionStore } from './rejection-store';

/** Header naming the rejection a replayed message re-submits (for tracing; consumers do not need it). */
export const REPLAY_OF_HEADER = 'tessera-replay-of';

const DROPPED_HEADER_PREFIX = 'tessera-dlq-';

/**
 * Re-submits rejected messages to their original topic, byte for byte (so a RawEvent keeps its messageId), through
 * the outbox in the same transaction that marks them replayed: a replay is published once even if the service dies
 * halfway. The relay gives it a sequence of this service's replay lane (replacing a `tessera-seq` the original
 * carried), so consumers take it as a new message. Validation's dedupe key does not block it either, since only
 * accepted items hold one.
 */
export class RejectionReplayer {
  constructor(
    private readonly pool: SqlPool,
    private readonly store: RejectionStore,
  ) {}

  async replay(filter: RejectionFilter, limit: number): Promise<{ replayed: number; rejectionIds: string[] }> {
    return inTransaction(this.pool, async (tx) => {
      const selection = await this.store.lockForReplay(tx, filter, limit);
      if (selection.length === 0) return { replayed: 0, rejectionIds: [] };
      await writeOutbox(
        tx,
        await lockWriterLane(tx, 'rejection-replay'),
        selection.map((item) => ({
          topic: item.topic,
          message: {
            key: item.key,
            value: item.value,
            headers: { ...replayableHeaders(item.headers), [REPLAY_OF_HEADER]: item.rejectionId },
          },
        })),
      );
      const ids = selection.map((item) => item.rejectionId);
      await this.store.markReplayed(tx, ids);
      return { replayed: ids.length, rejectionIds: ids };
    });
  }
}

function replayableHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([key]) => key !== REPLAY_OF_HEADER && !key.startsWith(DROPPED_HEADER_PREFIX)));
}
