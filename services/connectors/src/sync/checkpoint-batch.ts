import { contractHeaders, Topics } from '@tessera/contracts';
import { OutboxRowPacker, type PackedOutboxRow } from '@tessera/kafka';
import { RawRecordWriter } from './raw-record-writer';
import type { EncodedRecord } from './record-encoder';
import type { RowKeyColumns } from './row-key-log';

/** Every record's headers: the packer copies them into the row, so one object serves them all. */
const RAW_RECORD_HEADERS: Readonly<Record<string, string>> = contractHeaders(Topics.RecordsRaw);

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
  private count = 0;
  private rowKeys: string[] = [];
  private identifiers: (string | null)[] = [];
  private brands: (string | null)[] = [];
  private branded = false;

  get size(): number {
    return this.count;
  }

  add(record: EncodedRecord): void {
    this.packer.add(Topics.RecordsRaw, record.key, this.writer.encode(record.value), RAW_RECORD_HEADERS);
    this.count += 1;
    if (record.rowKey === null) return; // known only by its content: a full refresh cannot tell it disappeared
    this.rowKeys.push(record.rowKey);
    this.identifiers.push(record.identifier);
    this.brands.push(record.brand);
    if (record.brand !== null) this.branded = true;
  }

  /** The records added since the last take; the batch starts again empty. */
  take(): CheckpointRecords {
    const taken = {
      count: this.count,
      packed: this.packer.take(),
      keys: { rowKeys: this.rowKeys, identifiers: this.identifiers, brands: this.branded ? this.brands : null },
    };
    this.count = 0;
    this.rowKeys = [];
    this.identifiers = [];
    this.brands = [];
    this.branded = false;
    return taken;
  }
}
