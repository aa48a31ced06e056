import { AVRO_SINGLE_OBJECT_CONTENT_TYPE, SINGLE_OBJECT_MAGIC, rabinFingerprintBytes } from '@tessera/contracts';
import { Type, type Schema } from 'avsc';
import type { DeliveryBatch, DeliveryItem } from '../destination';

/**
 * What a Kafka-topic destination writes per record, when format is avro. Consumers outside Tessera read it with any
 * Avro library: the value is Avro single-object encoding (C3 01, the schema's 8-byte CRC-64-AVRO fingerprint, the
 * body), the same framing as Tessera's own topics, and this schema is printed in libs/destinations/README.md.
 * `fields` is JSON text because a sync's mapping decides its shape, which one Avro schema cannot know.
 */
export const DELIVERY_RECORD_SCHEMA = {
  type: 'record',
  name: 'DeliveryRecord',
  namespace: 'io.tessera.destinations',
  doc: 'One activation record delivered to a Kafka topic. Key: profileId.',
  fields: [
    { name: 'deliveryId', type: 'string', doc: 'Stable across retries: deduplicate on it.' },
    { name: 'batchId', type: 'string' },
    { name: 'destinationId', type: 'string' },
    { name: 'profileId', type: 'string' },
    { name: 'action', type: { type: 'enum', name: 'DeliveryAction', symbols: ['add', 'remove', 'upsert'] } },
    { name: 'segmentId', type: ['null', 'string'], default: null },
    { name: 'syncId', type: 'string' },
    { name: 'occurredAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'identifiers', type: { type: 'map', values: { type: 'array', items: 'string' } } },
    { name: 'fields', type: 'string', doc: 'The mapped fields as a JSON object.' },
  ],
} as const;

export interface DeliveryRecord {
  deliveryId: string;
  batchId: string;
  destinationId: string;
  profileId: string;
  action: DeliveryItem['action'];
  segmentId: string | null;
  syncId: string;
  /** Epoch milliseconds (timestamp-millis). */
  occurredAt: number;
  identifiers: Record<string, string[]>;
  fields: string;
}

const deliveryRecordType = Type.forSchema(DELIVERY_RECORD_SCHEMA as unknown as Schema);
const header = Buffer.concat([SINGLE_OBJECT_MAGIC, rabinFingerprintBytes(JSON.stringify(deliveryRecordType.schema()))]);

export const DELIVERY_RECORD_CONTENT_TYPE = AVRO_SINGLE_OBJECT_CONTENT_TYPE;
/** The fingerprint bytes as they appear after C3 01, hex: what a consumer matches to pick this schema. */
export const DELIVERY_RECORD_FINGERPRINT_HEX = header.subarray(2).toString('hex');

export function deliveryRecordOf(batch: DeliveryBatch, item: DeliveryItem): DeliveryRecord {
  return {
    deliveryId: item.deliveryId,
    batchId: batch.batchId,
    destinationId: batch.destinationId,
    profileId: item.profileId,
    action: item.action,
    segmentId: item.segmentId ?? null,
    syncId: item.syncId,
    occurredAt: Date.parse(item.occurredAt),
    identifiers: item.identifiers,
    fields: JSON.stringify(item.fields),
  };
}

export function encodeDeliveryRecord(record: DeliveryRecord): Buffer {
  return Buffer.concat([header, deliveryRecordType.toBuffer(record)]);
}

/** For consumers and tests: refuses a payload written with any other schema. */
export function decodeDeliveryRecord(bytes: Buffer): DeliveryRecord {
  if (!bytes.subarray(0, header.length).equals(header))
    throw new Error('not a single-object encoded io.tessera.destinations.DeliveryRecord');
  return deliveryRecordType.fromBuffer(bytes.subarray(header.length)) as DeliveryRecord;
}
