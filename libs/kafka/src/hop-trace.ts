import type { OutboxEntry } from './outbox-writer';

/**
 * Per-hop latency tracing, for benchmarks and latency hunts (off by default; `TESSERA_TRACE_HOPS=1` turns it on):
 * each message an exactly-once consumer emits carries `tessera-trace: <received>,<started>,<written>`, the
 * times (ms since the epoch) its runner was handed the fetched batch, its slice transaction started and its outbox
 * rows were written; the relay appends `,<claimed>` when it claims the row. With the message's Kafka timestamp
 * (set when the relay's produce request is built) and the input's, a hop splits into fetch wait, wait behind
 * earlier slices, transaction, commit-to-claim (commit, NOTIFY, the relay round in flight) and publishing.
 */
const HOP_TRACE_HEADER = 'tessera-trace';

export const hopTraceEnabled = process.env.TESSERA_TRACE_HOPS === '1';

/** Stamps the consumer's part of the trace on every outgoing entry. */
export function stampHopTrace(entries: readonly OutboxEntry[], receivedAt: number | undefined, startedAt: number): void {
  const trace = `${receivedAt ?? 0},${startedAt},${Date.now()}`;
  for (const e of entries) e.message.headers = { ...e.message.headers, [HOP_TRACE_HEADER]: trace };
}

/** Appends the relay's claim time to a message's trace, if it has one. */
export function appendClaimTime(headers: Record<string, string>, claimedAt: number): void {
  const trace = headers[HOP_TRACE_HEADER];
  if (trace !== undefined) headers[HOP_TRACE_HEADER] = `${trace},${claimedAt}`;
}
