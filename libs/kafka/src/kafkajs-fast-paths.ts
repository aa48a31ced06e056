import { crc32c } from '@node-rs/crc32';
import { fastRecordEncoder } from './fast-record-encoder';

type RecordEncoder = Parameters<typeof fastRecordEncoder>[0];

const RECORD_MODULE = 'kafkajs/src/protocol/recordBatch/record/v0';
/** Loads (and captures) the record encoder; loaded lazily by kafkajs on the first produce. */
const PRODUCE_REQUEST_MODULE = 'kafkajs/src/protocol/requests/produce/v3/request';
const GROUP_MODULE = 'kafkajs/src/producer/groupMessagesPerPartition';
/** Captures the grouping at load, which kafkajs does eagerly: only an install before kafkajs loads can swap it. */
const SEND_MESSAGES_MODULE = 'kafkajs/src/producer/sendMessages';
const CRC32C_MODULE = 'kafkajs/src/protocol/recordBatch/crc32C';
/** Loads (and captures) the checksum; loaded lazily on the first produce or fetch. */
const RECORD_BATCH_MODULE = 'kafkajs/src/protocol/recordBatch/v0';

/** Marks a module export as ours, so installing twice is harmless. */
const FAST = Symbol.for('tessera.kafkajs-fast-path');

/**
 * Swaps faster, byte-identical implementations into kafkajs's module cache (see fast-record-encoder.ts for why).
 * kafkajs loads its produce request modules lazily, on the first produce, but captures its message grouping as it
 * loads: so this library's index runs the install before it loads kafkajs (install-kafkajs-fast-paths.ts), and
 * BatchingProducer runs it again in case kafkajs came first. Returns false when a swap could not apply (its user
 * was loaded already): kafkajs then keeps its own code there, which is only slower. Jest's module registry honours
 * the swaps too, so the integration tests run the same code as production.
 */
export function installKafkajsFastPaths(): boolean {
  const record = swapModule(RECORD_MODULE, (original) => fastRecordEncoder(original as RecordEncoder), isLoaded(PRODUCE_REQUEST_MODULE));
  // The record batch checksum: the same CRC-32C, computed natively instead of a byte-at-a-time JS table loop.
  const checksum = swapModule(CRC32C_MODULE, () => (buffer: Buffer) => crc32c(buffer), isLoaded(RECORD_BATCH_MODULE));
  const grouping = swapModule(GROUP_MODULE, () => groupMessagesPerPartition, isLoaded(SEND_MESSAGES_MODULE));
  return record && checksum && grouping;
}

interface GroupInput {
  topic: string;
  partitionMetadata: unknown[];
  messages: unknown[];
  partitioner: (args: { topic: string; partitionMetadata: unknown[]; message: unknown }) => number;
}

/**
 * kafkajs's grouping, with the same calls in the same order and the same result, but appending in place: kafkajs
 * copies a partition's whole array for every message, which is quadratic in the batch size.
 */
export function groupMessagesPerPartition({ topic, partitionMetadata, messages, partitioner }: GroupInput): Record<string, unknown[]> {
  const result: Record<string, unknown[]> = {};
  if (partitionMetadata.length === 0) return result;
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    if (Object.prototype.hasOwnProperty.call(result, partition)) result[partition].push(message);
    else result[partition] = [message];
  }
  return result;
}

function isLoaded(id: string): boolean {
  return require.cache[require.resolve(id)] !== undefined;
}

function swapModule(id: string, replace: (original: unknown) => object, tooLate: boolean): boolean {
  const path = require.resolve(id);
  const current = require.cache[path]?.exports as Record<symbol, unknown> | undefined;
  if (current?.[FAST] === true) return true;
  if (tooLate) return false;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- an untyped kafkajs internal, replaced in the cache
  const original: unknown = require(path);
  const cached = require.cache[path];
  if (!cached) return false;
  cached.exports = Object.assign(replace(original), { [FAST]: true });
  return true;
}
