import { randomInt } from 'node:crypto';

/**
 * kafkajs 2.2.4's DefaultPartitioner (Java's murmur2 partitioning), with the same answers, for a BatchingProducer's
 * `createPartitioner` (`fastDefaultPartitioner`).
 *
 * kafkajs hashes each key with 64-bit `Long` objects (three allocations per four key bytes) after copying the key
 * into a fresh Buffer, and filters the partition list for available leaders on every message, even keyed ones that
 * never use it. Only the low 32 bits of kafkajs's Long arithmetic reach the result, so 32-bit `Math.imul` gives the
 * same hash. Short keys hardly notice (swapped in for every kafkajs producer, it showed no repeatable gain in
 * bench:transport-floor, so only BatchingProducer defaults to it); the connectors' `sourceId:recordId` keys of
 * 20-30 bytes spent 3-5 µs per record in kafkajs's.
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** Java's murmur2 of the key's UTF-8 bytes (kafkajs: `Buffer.from(String(key))` unless it is a Buffer). */
export function murmur2(key: unknown): number {
  if (Buffer.isBuffer(key)) return murmur2Bytes(key, key.length);
  const text = String(key);
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return murmur2Bytes(Buffer.from(text), Buffer.byteLength(text));
  return murmur2Bytes(text, text.length);
}

/** `bytes` is a Buffer, or an ASCII string read through charCodeAt. */
function murmur2Bytes(bytes: Buffer | string, length: number): number {
  const at = typeof bytes === 'string' ? (i: number) => bytes.charCodeAt(i) : (i: number) => bytes[i];
  let h = (SEED ^ length) | 0;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = at(i) | (at(i + 1) << 8) | (at(i + 2) << 16) | (at(i + 3) << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  // The last one to three bytes (kafkajs's switch with fall-through).
  const tail = length & 3;
  if (tail > 0) {
    if (tail === 3) h ^= at(whole + 2) << 16;
    if (tail >= 2) h ^= at(whole + 1) << 8;
    h ^= at(whole);
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

interface PartitionMetadata {
  partitionId: number;
  leader: number;
}

interface PartitionerArgs {
  topic: string;
  partitionMetadata: PartitionMetadata[];
  message: { partition?: number | null; key?: unknown };
}

const toPositive = (x: number) => x & 0x7fffffff;

/**
 * kafkajs's `producer/partitioners/legacy/partitioner` factory: the message's partition if set, else murmur2 of
 * the key modulo the partition count, else round robin over the partitions with a leader (from a random start per
 * topic). The available partitions are only listed for keyless messages, the only ones that use them.
 */
export function createLegacyPartitioner(hash: (key: unknown) => number, randomStart: () => number) {
  return () => {
    const counters: Record<string, number> = {};
    return ({ topic, partitionMetadata, message }: PartitionerArgs): number => {
      if (!(topic in counters)) counters[topic] = randomStart();
      if (message.partition !== null && message.partition !== undefined) return message.partition;
      const numPartitions = partitionMetadata.length;
      if (message.key !== null && message.key !== undefined) return toPositive(hash(message.key)) % numPartitions;
      const available = partitionMetadata.filter((p) => p.leader >= 0);
      if (available.length > 0) return available[toPositive(++counters[topic]) % available.length].partitionId;
      return toPositive(++counters[topic]) % numPartitions;
    };
  };
}

/** kafkajs's `Partitioners.DefaultPartitioner`, faster: for every message the partition kafkajs's would pick (keyless ones round robin from a random start, as there). */
export const fastDefaultPartitioner = createLegacyPartitioner(murmur2, () => randomInt(2 ** 32));
