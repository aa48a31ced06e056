import { crc32c } from '@node-rs/crc32';
import { planRecord, writeRecord, type RecordInput, type RecordPlan } from './fast-record-encoder';

/**
 * A byte-for-byte replacement for kafkajs 2.2.4's Produce request v3 encoding (`protocol/requests/produce/v3/request`,
 * which v4 to v7 reuse), for uncompressed record batches.
 *
 * WHY: kafkajs builds a produce request through five nested Encoders (record batch body, batch, record set,
 * partition, topic, request, frame), each starting at 512 zero-filled bytes, doubling with a copy as it grows, then
 * copied whole into the next. For a 1 MB request that is megabytes of zero-filling and copying, plus an object
 * spread per message. This sizes the request once and writes it into one buffer, the records with
 * fast-record-encoder.ts (those it does not expect with kafkajs's record encoder) and the checksum with the native
 * CRC-32C instead of kafkajs's byte-at-a-time JS table loop. Compressed requests go to kafkajs's own code.
 *
 * Produce Request (Version: 3) => transactional_id acks timeout [topic_data]
 *   transactional_id => NULLABLE_STRING  acks => INT16  timeout => INT32
 *   topic_data => topic [data]   topic => STRING   data => partition record_set
 *     partition => INT32   record_set => RECORDS (INT32 size, then one record batch)
 * RecordBatch => FirstOffset INT64, Length INT32, PartitionLeaderEpoch INT32, Magic INT8, CRC UINT32,
 *   Attributes INT16, LastOffsetDelta INT32, FirstTimestamp INT64, MaxTimestamp INT64, ProducerId INT64,
 *   ProducerEpoch INT16, FirstSequence INT32, Records [Record]
 */

interface KafkajsLong {
  getHighBits(): number;
  getLowBits(): number;
}

interface LongStatics {
  fromInt(value: number): KafkajsLong;
  fromValue(value: unknown): KafkajsLong;
}

interface ProduceMessage {
  key?: unknown;
  value?: unknown;
  headers?: unknown;
  timestamp?: unknown;
}

interface PartitionData {
  partition: number;
  messages: ProduceMessage[];
  firstSequence?: number;
}

export interface ProduceRequestArgs {
  acks: number;
  timeout: number;
  transactionalId?: string | null;
  producerId?: unknown;
  producerEpoch?: number;
  compression?: number;
  topicData: { topic: string; partitions: PartitionData[] }[];
}

export interface KafkajsRequest {
  apiKey: number;
  apiVersion: number;
  apiName: string;
  expectResponse: () => boolean;
  encode: () => Promise<{ buffer: Buffer }>;
}

export interface FastProduceDeps {
  /** kafkajs's produce v3 request factory, for compressed batches. */
  original: (args: ProduceRequestArgs) => KafkajsRequest;
  /** kafkajs's record encoder, for the records planRecord leaves to it. */
  recordEncoder: (record: object) => { buffer: Buffer };
  Long: LongStatics;
}

const MAGIC_BYTE = 2;
const TRANSACTIONAL_MASK = 16;
/** Attributes .. FirstSequence, the fixed part of the checksummed batch body, then the record count. */
const BATCH_BODY_FIXED = 2 + 4 + 8 + 8 + 8 + 2 + 4 + 4;

/** Produce v3 request factory with the same answers as kafkajs's; see the file comment. */
export function fastProduceRequest(deps: FastProduceDeps) {
  return (args: ProduceRequestArgs): KafkajsRequest => {
    const request = deps.original(args);
    if ((args.compression ?? 0) !== 0) return request;
    return { ...request, encode: async () => encodedPayload(encodeProduce(args, deps)) };
  };
}

function encodeProduce(args: ProduceRequestArgs, deps: FastProduceDeps): Buffer {
  const { acks, timeout, transactionalId = null, producerId = deps.Long.fromInt(-1), producerEpoch = 0, topicData } = args;
  const producerIdLong = deps.Long.fromValue(producerId);
  const attributes = transactionalId ? TRANSACTIONAL_MASK : 0;

  // Pass 1: encode the records and size everything.
  const topics = topicData.map(({ topic, partitions }) => ({
    topic,
    partitions: partitions.map((data) => {
      const { messages } = data;
      const dateNow = Date.now();
      // kafkajs's own timestamp rule, default (string) sort included.
      const messageTimestamps = messages
        .map((m) => m.timestamp)
        .filter((timestamp) => timestamp != null)
        .sort() as unknown[];
      const timestamps = messageTimestamps.length === 0 ? [dateNow] : messageTimestamps;
      const firstTimestamp = timestamps[0];
      const maxTimestamp = timestamps[timestamps.length - 1];
      // Each record is either planned (written into the request in pass 2) or encoded now by kafkajs.
      const records = new Array<RecordInput>(messages.length);
      const plans = new Array<RecordPlan | Buffer>(messages.length);
      let recordBytes = 0;
      for (let i = 0; i < messages.length; i++) {
        const message = messages[i];
        const timestampDelta = ((message.timestamp || dateNow) as number) - (firstTimestamp as number);
        const record: RecordInput = {
          key: message.key as RecordInput['key'],
          value: message.value as RecordInput['value'],
          headers: message.headers as RecordInput['headers'],
          offsetDelta: i,
          timestampDelta,
        };
        const plan = planRecord(record) ?? deps.recordEncoder(record).buffer;
        records[i] = record;
        plans[i] = plan;
        recordBytes += isPlan(plan) ? plan.size : plan.length;
      }
      const batchLength = 4 + 1 + 4 + BATCH_BODY_FIXED + recordBytes;
      return { data, records, plans, firstTimestamp, maxTimestamp, batchLength };
    }),
  }));
  let size = nullableStringSize(transactionalId) + 2 + 4 + 4;
  for (const { topic, partitions } of topics) {
    size += nullableStringSize(topic) + 4;
    for (const { batchLength } of partitions) size += 4 + 4 + 8 + 4 + batchLength;
  }

  // Pass 2: write.
  const buf = Buffer.allocUnsafe(size);
  let pos = writeNullableString(buf, 0, transactionalId);
  pos = buf.writeInt16BE(acks, pos);
  pos = buf.writeInt32BE(timeout, pos);
  pos = buf.writeInt32BE(topics.length, pos);
  for (const { topic, partitions } of topics) {
    pos = writeNullableString(buf, pos, topic);
    pos = buf.writeInt32BE(partitions.length, pos);
    for (const { data, records, plans, firstTimestamp, maxTimestamp, batchLength } of partitions) {
      pos = buf.writeInt32BE(data.partition, pos);
      pos = buf.writeInt32BE(8 + 4 + batchLength, pos); // the record set: FirstOffset, Length, then the batch
      pos = writeInt64(buf, pos, deps.Long.fromInt(0));
      pos = buf.writeInt32BE(batchLength, pos);
      pos = buf.writeInt32BE(0, pos); // PartitionLeaderEpoch
      pos = buf.writeInt8(MAGIC_BYTE, pos);
      const crcAt = pos;
      pos += 4;
      const bodyStart = pos;
      pos = buf.writeInt16BE(attributes, pos);
      pos = buf.writeInt32BE(records.length - 1, pos);
      pos = writeInt64(buf, pos, deps.Long.fromValue(firstTimestamp));
      pos = writeInt64(buf, pos, deps.Long.fromValue(maxTimestamp));
      pos = writeInt64(buf, pos, producerIdLong);
      pos = buf.writeInt16BE(producerEpoch, pos);
      pos = buf.writeInt32BE(data.firstSequence === undefined ? 0 : data.firstSequence, pos);
      pos = buf.writeInt32BE(records.length, pos);
      for (let i = 0; i < records.length; i++) {
        const plan = plans[i];
        if (isPlan(plan)) {
          pos = writeRecord(buf, pos, records[i], plan);
        } else {
          buf.set(plan, pos);
          pos += plan.length;
        }
      }
      buf.writeUInt32BE(crc32c(buf.subarray(bodyStart, pos)), crcAt);
    }
  }
  return buf;
}

/** What kafkajs's request framing reads from an encoded payload (an Encoder in kafkajs): `buf` and `buffer`. */
function encodedPayload(buf: Buffer): { buf: Buffer; buffer: Buffer } {
  return { buf, buffer: buf };
}

function isPlan(plan: RecordPlan | Buffer): plan is RecordPlan {
  return !Buffer.isBuffer(plan);
}

function nullableStringSize(value: string | null): number {
  return value == null ? 2 : 2 + Buffer.byteLength(value, 'utf8');
}

function writeNullableString(buf: Buffer, pos: number, value: string | null): number {
  if (value == null) return buf.writeInt16BE(-1, pos);
  const length = Buffer.byteLength(value, 'utf8');
  pos = buf.writeInt16BE(length, pos);
  return pos + buf.write(value, pos, length, 'utf8');
}

function writeInt64(buf: Buffer, pos: number, value: KafkajsLong): number {
  pos = buf.writeInt32BE(value.getHighBits(), pos);
  return buf.writeInt32BE(value.getLowBits(), pos);
}
