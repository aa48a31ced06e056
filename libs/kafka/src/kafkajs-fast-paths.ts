import { fastRecordEncoder } from './fast-record-encoder';

type RecordEncoder = Parameters<typeof fastRecordEncoder>[0];

const RECORD_MODULE = 'kafkajs/src/protocol/recordBatch/record/v0';
/** Loads (and captures) the record encoder; loaded lazily by kafkajs on the first produce. */
const PRODUCE_REQUEST_MODULE = 'kafkajs/src/protocol/requests/produce/v3/request';

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
  const producePath = require.resolve(PRODUCE_REQUEST_MODULE);
  const alreadyLoaded = require.cache[producePath] !== undefined;
  return swapModule(RECORD_MODULE, (original) => fastRecordEncoder(original as RecordEncoder), alreadyLoaded);
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
