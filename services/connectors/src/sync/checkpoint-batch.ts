import { AVRO_SINGLE_OBJECT_CONTENT_TYPE, contractHeaders, ContractHeaders, Topics } from '@tessera/contracts';
import { MessageHeaders, OutboxRowPacker, type PackedOutboxRow } from '@tessera/kafka';
import { RawRecordWriter } from './raw-record-writer';
import type { EncodedRecord } from './record-encoder';
import type { RowKeyColumns } from './row-key-log';

const RAW_RECORD_SCHEMA = contractHeaders(Topics.RecordsRaw)[ContractHeaders.schema];

/**
 * contractHeaders(Topics.RecordsRaw) plus the message id, as one object literal: spreading the shared headers and
 * adding the id as a computed key cost ~1 µs a record (checkpoint-batch.spec.ts keeps the two equal).
 */
export function rawRecordHeaders(messageId: string): Record<string, string> {
  return {
    [ContractHeaders.contentType]: AVRO_SINGLE_OBJECT_CONTENT_TYPE,
    [ContractHeaders.schema]: RAW_RECORD_SCHEMA,
    [MessageHeaders.messageId]: messageId,
  };
}

/** What one checkpoint commits: its records as packed outbox rows of cdp.records.raw, and their row keys. */
export interface CheckpointRecords {
  count: number;
  packed: PackedOutboxRow[];
  keys: RowKeyColumns;
}

/**
 * Collects the records read between two checkpoints, packing each one's outbox message (its RawRecord as Avro,
 * key and headers) the moment it is added, so that only its bytes and row key stay alive until the checkpoint:
 * thousands of record objects held per checkpoint were what most of the service's garbage collection copied.
 */
export class CheckpointBatch {
  private readonly writer = new RawRecordWriter();
  private readonly packer = new OutboxRowPacker({ deflate: true });
  private rowKeys: string[] = [];
  private identifiers: (string | null)[] = [];
  private brands: (string | null)[] = [];
  private branded = false;

  get size(): number {
    return this.rowKeys.length;
  }

  add(record: EncodedRecord): void {
    this.packer.add(Topics.RecordsRaw, record.key, this.writer.encode(record.value), rawRecordHeaders(record.value.messageId));
    this.rowKeys.push(record.rowKey);
    this.identifiers.push(record.identifier);
    this.brands.push(record.brand);
    if (record.brand !== null) this.branded = true;
  }

  /** The records added since the last take; the batch starts again empty. */
  take(): CheckpointRecords {
    const taken = {
      count: this.rowKeys.length,
      packed: this.packer.take(),
      keys: { rowKeys: this.rowKeys, identifiers: this.identifiers, brands: this.branded ? this.brands : null },
    };
    this.rowKeys = [];
    this.identifiers = [];
    this.brands = [];
    this.branded = false;
    return taken;
  }
}
