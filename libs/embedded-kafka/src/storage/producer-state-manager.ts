import { NO_PRODUCER_EPOCH } from '../records/record-batch-layout';
import { ErrorCode } from '../protocol/error-codes';

/** What Kafka remembers of one recent batch of an idempotent producer (BatchMetadata). */
export interface ProducerBatchMetadata {
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
  lastOffset: number;
}

interface ProducerEntry {
  epoch: number;
  batches: ProducerBatchMetadata[];
}

/** The producer fields of one incoming batch, with the offsets it would get. */
export interface ProducerBatch extends ProducerBatchMetadata {
  producerId: bigint;
  epoch: number;
}

export type ProducerVerdict =
  { kind: 'append' } | { kind: 'duplicate'; firstOffset: number } | { kind: 'reject'; errorCode: number; message: string };

/** Kafka keeps the metadata of the last 5 batches per producer, matching max.in.flight.requests for idempotence. */
const BATCHES_TO_RETAIN = 5;

/**
 * Per-partition idempotent producer state, as Kafka's ProducerStateManager / ProducerAppendInfo: for each producer
 * id the current epoch and its last 5 batches. Checks are done in Kafka's order: duplicate first, then epoch,
 * then sequence continuity.
 */
export class ProducerStateManager {
  private readonly entries = new Map<bigint, ProducerEntry>();

  /** Validates an append's producer batches in order, as if each earlier one had been applied. */
  verify(batches: ProducerBatch[]): ProducerVerdict {
    const pending = new Map<bigint, ProducerEntry>();
    for (const batch of batches) {
      const current = pending.get(batch.producerId) ?? this.entries.get(batch.producerId);
      if (current && batch.epoch === current.epoch) {
        const duplicate = current.batches.find((b) => b.firstSeq === batch.firstSeq && b.lastSeq === batch.lastSeq);
        if (duplicate) return { kind: 'duplicate', firstOffset: duplicate.firstOffset };
      }
      const problem = this.checkBatch(current, batch);
      if (problem) return problem;
      const next: ProducerEntry = current
        ? { epoch: current.epoch, batches: [...current.batches] }
        : { epoch: NO_PRODUCER_EPOCH, batches: [] };
      ProducerStateManager.addBatch(next, batch);
      pending.set(batch.producerId, next);
    }
    return { kind: 'append' };
  }

  private checkBatch(current: ProducerEntry | undefined, batch: ProducerBatch): ProducerVerdict | null {
    const where = `producer ${batch.producerId} at offset ${batch.firstOffset}`;
    if (!current) return null; // Kafka accepts any sequence from a producer it has no state for.
    if (batch.epoch < current.epoch) {
      return {
        kind: 'reject',
        errorCode: ErrorCode.INVALID_PRODUCER_EPOCH,
        message: `Epoch of ${where} is ${batch.epoch}, which is smaller than the last seen epoch ${current.epoch}`,
      };
    }
    if (batch.epoch !== current.epoch) {
      if (batch.firstSeq !== 0 && current.epoch !== NO_PRODUCER_EPOCH) {
        return {
          kind: 'reject',
          errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
          message: `Invalid sequence number for new epoch of ${where}: ${batch.epoch} (request epoch), ${batch.firstSeq} (seq. number), ${current.epoch} (current producer epoch)`,
        };
      }
      return null;
    }
    const lastSeq = current.batches.length > 0 ? current.batches[current.batches.length - 1].lastSeq : -1;
    const inSequence = batch.firstSeq === lastSeq + 1 || (batch.firstSeq === 0 && lastSeq === 0x7fffffff);
    if (current.batches.length > 0 && !inSequence) {
      return {
        kind: 'reject',
        errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
        message: `Out of order sequence number for ${where}: ${batch.firstSeq} (incoming seq. number), ${lastSeq} (current end sequence number)`,
      };
    }
    return null;
  }

  /** Records an appended batch (live appends and log replay at start-up). */
  apply(batch: ProducerBatch): void {
    let entry = this.entries.get(batch.producerId);
    if (!entry) {
      entry = { epoch: NO_PRODUCER_EPOCH, batches: [] };
      this.entries.set(batch.producerId, entry);
    }
    ProducerStateManager.addBatch(entry, batch);
  }

  private static addBatch(entry: ProducerEntry, batch: ProducerBatch): void {
    if (entry.epoch !== batch.epoch) {
      entry.epoch = batch.epoch;
      entry.batches = [];
    }
    if (entry.batches.length === BATCHES_TO_RETAIN) entry.batches.shift();
    entry.batches.push({ firstSeq: batch.firstSeq, lastSeq: batch.lastSeq, firstOffset: batch.firstOffset, lastOffset: batch.lastOffset });
  }

  get producerCount(): number {
    return this.entries.size;
  }

  /** JSON snapshot written when a segment rolls, so start-up only replays the active segment. */
  toSnapshot(): string {
    const producers = [...this.entries].map(([id, e]) => ({ id: id.toString(), epoch: e.epoch, batches: e.batches }));
    return JSON.stringify({ version: 1, producers });
  }

  static fromSnapshot(json: string): ProducerStateManager {
    const parsed = JSON.parse(json) as {
      version: number;
      producers: Array<{ id: string; epoch: number; batches: ProducerBatchMetadata[] }>;
    };
    if (parsed.version !== 1 || !Array.isArray(parsed.producers)) throw new Error('unknown producer snapshot version');
    const manager = new ProducerStateManager();
    for (const p of parsed.producers) manager.entries.set(BigInt(p.id), { epoch: p.epoch, batches: p.batches });
    return manager;
  }
}
