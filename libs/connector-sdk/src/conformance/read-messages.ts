import type { Connector, Cursor, RecordMessage } from '../connector';

export interface ReadOutcome {
  records: RecordMessage[];
  /** The cursor of the last checkpoint consumed (the one a run would have saved), or the starting cursor. */
  cursor: Cursor;
  checkpoints: number;
  /** Records after the last checkpoint: a run cannot commit them, so a conforming read leaves none. */
  uncheckpointed: RecordMessage[];
}

/**
 * Consumes a read, keeping only what a run would have committed. With `stopAfterCheckpoint: n` the consumer stops
 * right after the n-th checkpoint (1-based), as a crash would: records after it are dropped, never committed.
 */
export async function readCommitted<C>(
  connector: Connector<C>,
  config: C,
  stream: string,
  cursor: Cursor,
  options: { stopAfterCheckpoint?: number } = {},
): Promise<ReadOutcome> {
  const committed: RecordMessage[] = [];
  let pending: RecordMessage[] = [];
  let saved = cursor;
  let checkpoints = 0;
  for await (const message of connector.read(config, stream, cursor)) {
    if (message.type === 'record') {
      pending.push(message);
      continue;
    }
    if (message.type === 'records') {
      for (const record of message.records) pending.push({ type: 'record', stream: message.stream, ...record });
      continue;
    }
    if (message.type === 'estimate' || message.type === 'full-pass') continue;
    committed.push(...pending);
    pending = [];
    saved = message.cursor;
    checkpoints += 1;
    if (checkpoints === options.stopAfterCheckpoint) return { records: committed, cursor: saved, checkpoints, uncheckpointed: [] };
  }
  return { records: committed, cursor: saved, checkpoints, uncheckpointed: pending };
}
