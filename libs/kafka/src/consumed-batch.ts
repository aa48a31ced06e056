import type { KafkaMessage } from 'kafkajs';
import { headerToString } from './message-headers';

/** One consumed message, with headers decoded to strings and its coordinates attached. */
export interface InboundMessage {
  readonly topic: string;
  readonly partition: number;
  /** Kafka offsets are int64; kept as a decimal string like kafkajs does. */
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly timestamp: string;
}

/** What a batch handler receives: consecutive messages of one partition, in offset order. */
export interface ConsumedBatch {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  readonly highWatermark: string;
  readonly messages: readonly InboundMessage[];
  /** When the runner was handed the fetched batch this slice belongs to (ms since the epoch). */
  readonly receivedAt?: number;
  /** Keeps the group membership alive during long work; the runner also heartbeats on a timer. */
  heartbeat(): Promise<void>;
}

/** Per-outcome counts a handler may report back, for metrics. */
export interface BatchOutcome {
  ok: number;
  dlq: number;
  drop: number;
  /** Offset already applied (redelivery after a crash or a rebalance). */
  skipped: number;
  /** Already applied (a relay published the same outbox row twice): by its outbox sequence. */
  duplicate: number;
}

export type BatchHandler = (batch: ConsumedBatch) => Promise<BatchOutcome | void>;

export function emptyOutcome(): BatchOutcome {
  return { ok: 0, dlq: 0, drop: 0, skipped: 0, duplicate: 0 };
}

export function toInboundMessage(topic: string, partition: number, m: KafkaMessage): InboundMessage {
  const headers: Record<string, string | undefined> = {};
  const raw = m.headers;
  // for...in over kafkajs's plain object: Object.entries allocated an array per header per message.
  if (raw) for (const name in raw) headers[name] = headerToString(raw[name]);
  return { topic, partition, offset: m.offset, key: m.key ?? null, value: m.value ?? null, headers, timestamp: m.timestamp };
}
