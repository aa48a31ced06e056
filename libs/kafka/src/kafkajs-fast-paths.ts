import { crc32c } from '@node-rs/crc32';
import { fastRecordEncoder } from './fast-record-encoder';

type RecordEncoder = Parameters<typeof fastRecordEncoder>[0];

const RECORD_MODULE = 'kafkajs/src/protocol/recordBatch/record/v0';
/** Loads (and captures) the record encoder; loaded lazily by kafkajs on the first produce. */
const PRODUCE_REQUEST_MODULE = 'kafkajs/src/protocol/requests/produce/v3/request';
const CRC32C_MODULE = 'kafkajs/src/protocol/recordBatch/crc32C';
/** Loads (and captures) the checksum; loaded lazily on the first produce or fetch. */
const RECORD_BATCH_MODULE = 'kafkajs/src/protocol/recordBatch/v0';

/** Marks a module export as ours, so installing twice is harmless. */
const FAST = Symbol.for('tessera.kafkajs-fast-path');

/**
 * Swaps faster, byte-identical implementations into kafkajs's module cache (see fast-record-encoder.ts for why).
 * kafkajs loads its produce request modules lazily, on the first produce, so this takes effect when called before
 * then; BatchingProducer calls it in its constructor. Returns false when it could not apply (the produce modules
 * were loaded already): kafkajs then keeps its own code, which is only slower. Jest's module registry honours the
 * swap too, so the integration tests run the same bytes as production.
 */
export function installKafkajsFastPaths(): boolean {
  const record = swapModule(RECORD_MODULE, (original) => fastRecordEncoder(original as RecordEncoder), isLoaded(PRODUCE_REQUEST_MODULE));
  // The record batch checksum: the same CRC-32C, computed natively instead of a byte-at-a-time JS table loop.
  const checksum = swapModule(CRC32C_MODULE, () => (buffer: Buffer) => crc32c(buffer), isLoaded(RECORD_BATCH_MODULE));
  return record && checksum;
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
