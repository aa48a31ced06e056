/**
 * Where a relayed message sits in its outbox's publishing order, carried in the `tessera-seq` header as
 * `<origin>:<lane>:<xid>:<pos>`. Per (origin, lane) the relay publishes in strictly increasing (xid, pos)
 * order over the outbox's whole life, and a republish after a crash repeats a prefix with the same values, so
 * a consumer only has to remember the highest (xid, pos) it applied (sequence-dedupe.ts).
 */
export interface OutboxSequence {
  /** Random id of the outbox (kafka_outbox_origin): distinguishes schemas, and a recreated or restored database. */
  readonly origin: string;
  readonly lane: number;
  /** The writer transaction's 64-bit id (xid8). */
  readonly xid: bigint;
  /** Row id * 1024 + index of the message in its packed row. */
  readonly pos: bigint;
}

/** A packed row holds at most 500 messages, so 1024 positions per row never collide with the next row's. */
const POSITIONS_PER_ROW = 1024n;

export function sequencePosition(rowId: string | bigint, index: number): bigint {
  return BigInt(rowId) * POSITIONS_PER_ROW + BigInt(index);
}

export function formatOutboxSequence(seq: OutboxSequence): string {
  return `${seq.origin}:${seq.lane}:${seq.xid}:${seq.pos}`;
}

const SEQUENCE_FORMAT = /^([^:]+):(\d{1,5}):(\d{1,20}):(\d{1,20})$/;

/** The sequence in a header value, or undefined when absent or malformed (the consumer then uses the inbox). */
export function parseOutboxSequence(value: string | undefined): OutboxSequence | undefined {
  if (value === undefined) return undefined;
  const match = SEQUENCE_FORMAT.exec(value);
  if (!match) return undefined;
  return { origin: match[1], lane: Number(match[2]), xid: BigInt(match[3]), pos: BigInt(match[4]) };
}

/** Lexicographic (xid, pos) order: true when `a` comes strictly after `b`. */
export function isAfter(a: { xid: bigint; pos: bigint }, b: { xid: bigint; pos: bigint }): boolean {
  return a.xid > b.xid || (a.xid === b.xid && a.pos > b.pos);
}
