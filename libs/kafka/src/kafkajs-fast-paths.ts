import { fastProduceRequest, type FastProduceDeps } from './fast-produce-request';
import { createSendMessages, type SendMessagesDeps } from './kafkajs-send-messages';
import { fastRecordBatchDecoder, type RecordBatchDecoder } from './fast-record-batch-decoder';
import { fixRequestQueueTimer } from './kafkajs-request-queue';
import { kafkajsFastPathsEnabled } from './kafkajs-fast-paths-switch';

const RECORD_MODULE = 'kafkajs/src/protocol/recordBatch/record/v0';
const SEND_MESSAGES_MODULE = 'kafkajs/src/producer/sendMessages';
/** Captures sendMessages at load, which kafkajs does eagerly: only an install before kafkajs loads can swap it. */
const MESSAGE_PRODUCER_MODULE = 'kafkajs/src/producer/messageProducer';
/** Loaded lazily, on the first produce, by the v4 to v7 requests, which reuse it. */
const PRODUCE_V3_MODULE = 'kafkajs/src/protocol/requests/produce/v3/request';
const PRODUCE_V4_MODULE = 'kafkajs/src/protocol/requests/produce/v4/request';
/** The consume side: loaded lazily, on the first fetch, by the fetch responses' message decoder. */
const RECORD_BATCH_DECODER_MODULE = 'kafkajs/src/protocol/recordBatch/v0/decoder';
const DECODE_MESSAGES_MODULE = 'kafkajs/src/protocol/requests/fetch/v4/decodeMessages';
const LONG_MODULE = 'kafkajs/src/utils/long';

/** Marks a module export as ours, so installing twice is harmless. */
const FAST = Symbol.for('tessera.kafkajs-fast-path');

/**
 * Swaps faster, byte-identical implementations into kafkajs's module cache (see fast-produce-request.ts for why),
 * and two fixes (kafkajs-send-messages.ts, kafkajs-request-queue.ts).
 * Nothing calls it on import: a process calls it once at start-up (runService in libs/service-kit for the services,
 * jest's setup file for the tests), through installKafkajsFastPathsUnlessDisabled, before anything loads kafkajs.
 * kafkajs loads its produce request modules lazily, on the first produce, but captures its message grouping and
 * its sendMessages as it loads. Returns false when a swap could not apply
 * (its user was loaded already): kafkajs then keeps its own code there, which is only slower. Jest's module
 * registry honours the swaps too, so the integration tests run the same code as production.
 */
function installKafkajsFastPaths(): boolean {
  // Not for speed: kafkajs's retry skips partitions whose leader moved to a broker that had answered (kafkajs-send-messages.ts).
  const send = swapModule(
    SEND_MESSAGES_MODULE,
    () => {
      /* eslint-disable @typescript-eslint/no-require-imports -- kafkajs's own helpers, as its sendMessages uses them */
      return createSendMessages({
        KafkaJSMetadataNotLoaded: (require('kafkajs/src/errors') as Pick<SendMessagesDeps, 'KafkaJSMetadataNotLoaded'>)
          .KafkaJSMetadataNotLoaded,
        staleMetadata: (require('kafkajs/src/protocol/error') as Pick<SendMessagesDeps, 'staleMetadata'>).staleMetadata,
        createTopicData: require('kafkajs/src/producer/createTopicData') as SendMessagesDeps['createTopicData'],
        responseSerializer: require('kafkajs/src/producer/responseSerializer') as SendMessagesDeps['responseSerializer'],
      });
      /* eslint-enable @typescript-eslint/no-require-imports */
    },
    isLoaded(MESSAGE_PRODUCER_MODULE),
  );
  const produce = swapModule(
    PRODUCE_V3_MODULE,
    (original) =>
      fastProduceRequest({
        original: original as FastProduceDeps['original'],
        recordEncoder: (currentExports(RECORD_MODULE) as () => FastProduceDeps['recordEncoder'])(),
        Long: (currentExports(LONG_MODULE) as () => FastProduceDeps['Long'])(),
      }),
    isLoaded(PRODUCE_V4_MODULE),
  );
  const decode = swapModule(
    RECORD_BATCH_DECODER_MODULE,
    (original) =>
      fastRecordBatchDecoder(
        original as RecordBatchDecoder,
        (currentExports(LONG_MODULE) as () => Parameters<typeof fastRecordBatchDecoder>[1])(),
      ),
    isLoaded(DECODE_MESSAGES_MODULE),
  );
  // Not for speed either: every connection spun a 1 ms timer for its whole life (kafkajs-request-queue.ts).
  const timer = fixRequestQueueTimer();
  return send && produce && decode && timer;
}

/** What a process's start-up did: the swaps installed, turned off by the switch, or applied only partly (too late). */
export type KafkajsFastPathsState = 'installed' | 'disabled' | 'partial';

/**
 * The one start-up call: installs the swaps unless TESSERA_KAFKAJS_FAST_PATHS=0 leaves kafkajs exactly as
 * published (to rule the swaps out when diagnosing a client problem). Throws on a value that is neither 0 nor 1.
 */
export function installKafkajsFastPathsUnlessDisabled(env: NodeJS.ProcessEnv): KafkajsFastPathsState {
  if (!kafkajsFastPathsEnabled(env)) return 'disabled';
  return installKafkajsFastPaths() ? 'installed' : 'partial';
}

/**
 * A reader of what a kafkajs module exports now (the swapped code once swapped). It is read per produce request,
 * so the path is resolved once here: require.resolve costs a path lookup on every call.
 */
function currentExports(id: string): () => unknown {
  const path = require.resolve(id);
  return () => {
    const cached = require.cache[path];
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- untyped kafkajs internals, loaded on first use
    return cached ? cached.exports : require(path);
  };
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
