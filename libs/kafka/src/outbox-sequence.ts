/**
 * Where a relayed message sits in its outbox lane, carried in the `tessera-seq` header as `<origin>:<lane>:<pos>`.
 * A lane's rows become visible in id order (outbox-lane.ts) and the relay publishes in id order, so per (origin,
 * lane) positions only grow over the outbox's whole life, and a republish after a crash repeats a prefix with the
 * same values: a consumer only has to remember the highest position it applied (sequence-dedupe.ts).
 */
export interface OutboxSequence {
  /** Random id of the outbox (kafka_outbox_origin): distinguishes schemas, and a recreated or restored database. */
  readonly origin: string;
  /** The writer lane (OutboxLane.id); may contain ':'. */
  readonly lane: string;
  /** Row id * 1024 + index of the message in its packed row. */
  readonly pos: bigint;
}

/** A packed row holds at most 500 messages, so 1024 positions per row never collide with the next row's. */
const POSITIONS_PER_ROW = 1024n;

export function sequencePosition(rowId: string | bigint, index: number): bigint {
  return BigInt(rowId) * POSITIONS_PER_ROW + BigInt(index);
}

export function formatOutboxSequence(seq: OutboxSequence): string {
  return `${seq.origin}:${seq.lane}:${seq.pos}`;
}

/** The origin has no ':' (a uuid), the position is the part after the last one, the lane is what lies between. */
const SEQUENCE_FORMAT = /^([^:]+):(.+):(\d{1,20})$/;

/**
 * The origin and lane of the last sequence parsed: a slice's messages mostly share them, so the next one only
 * parses its position, and its origin and lane are the same strings (sequence-dedupe.ts compares them per message).
 */
let last = { prefix: '', origin: '', lane: '' };
const POSITION = /^\d{1,20}$/;

/** The sequence in a header value, or undefined when absent or malformed (the consumer then applies it without a sequence check: only the offset fence). */
export function parseOutboxSequence(value: string | undefined): OutboxSequence | undefined {
  if (value === undefined) return undefined;
  const { prefix, origin, lane } = last;
  // The position is what follows the last ':', so a value with the same prefix differs only in it.
  if (prefix !== '' && value.lastIndexOf(':') === prefix.length - 1 && value.startsWith(prefix)) {
    const position = value.slice(prefix.length);
    return POSITION.test(position) ? { origin, lane, pos: BigInt(position) } : undefined;
  }
  const match = SEQUENCE_FORMAT.exec(value);
  if (!match) return undefined;
  last = { prefix: value.slice(0, value.length - match[3].length), origin: match[1], lane: match[2] };
  return { origin: match[1], lane: match[2], pos: BigInt(match[3]) };
}
