import { stringify } from 'csv-stringify/sync';
import type { DeliveryBatch, DeliveryItem } from '../destination';
import type { FileFormat } from './file-export-config';

/** Turns batches into the bytes of one file format; a file is `header() + encode(batch)…`. */
export interface RecordEncoder {
  readonly extension: string;
  header(): string;
  encode(batch: DeliveryBatch): string;
}

const FIXED_COLUMNS = ['batchId', 'deliveryId', 'profileId', 'action', 'segmentId', 'syncId', 'occurredAt'] as const;

function fixedValues(batch: DeliveryBatch, item: DeliveryItem): Record<string, unknown> {
  return {
    batchId: batch.batchId,
    deliveryId: item.deliveryId,
    profileId: item.profileId,
    action: item.action,
    segmentId: item.segmentId ?? null,
    syncId: item.syncId,
    occurredAt: item.occurredAt,
  };
}

/** One JSON object per line: the record as the dispatcher shaped it, plus its batch id. */
export class NdjsonEncoder implements RecordEncoder {
  readonly extension = 'ndjson';
  header(): string {
    return '';
  }
  encode(batch: DeliveryBatch): string {
    return batch.items
      .map((item) => `${JSON.stringify({ ...fixedValues(batch, item), identifiers: item.identifiers, fields: item.fields })}\n`)
      .join('');
  }
}

/** RFC 4180 CSV via csv-stringify (quoting, embedded newlines, formula escaping), one header row per file. */
export class CsvEncoder implements RecordEncoder {
  readonly extension = 'csv';
  private readonly columns: string[];

  constructor(
    private readonly fieldColumns?: readonly string[],
    private readonly escapeFormulas = true,
  ) {
    this.columns = [...FIXED_COLUMNS, ...(fieldColumns ?? ['identifiers', 'fields'])];
  }

  header(): string {
    return stringify([this.columns]);
  }

  encode(batch: DeliveryBatch): string {
    const rows = batch.items.map((item) => {
      const fixed = fixedValues(batch, item);
      const extra = this.fieldColumns
        ? this.fieldColumns.map((name) => cell(item.fields[name]))
        : [JSON.stringify(item.identifiers), JSON.stringify(item.fields)];
      return [...FIXED_COLUMNS.map((c) => cell(fixed[c])), ...extra];
    });
    return stringify(rows, { escape_formulas: this.escapeFormulas });
  }
}

/** Numbers stay numbers, so formula escaping (text only) leaves a negative amount alone. */
function cell(value: unknown): string | number {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function encoderFor(format: FileFormat, csvColumns?: readonly string[], csvEscapeFormulas?: boolean): RecordEncoder {
  return format === 'csv' ? new CsvEncoder(csvColumns, csvEscapeFormulas) : new NdjsonEncoder();
}
