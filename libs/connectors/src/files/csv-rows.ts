import { pipeline, type Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import type { CsvOptions, FileEncoding } from './files-config';
import type { ParsedRow } from './parsed-row';

/**
 * The rows of a CSV file, parsed by csv-parse. A record csv-parse cannot read (an unclosed quote) or whose field
 * count differs from the columns' becomes an `error` row in its place, and parsing goes on.
 */
export async function* csvRows(bytes: Readable, options: CsvOptions, encoding: FileEncoding): AsyncGenerator<ParsedRow> {
  // csv-parse reports a skipped record through on_skip, synchronously while it parses, whereas the good records
  // reach us later through the stream; `records` on the error (good records before it) puts it back in order.
  const skipped: CsvError[] = [];
  const parser = parse({
    delimiter: options.delimiter ?? ',',
    quote: options.quote ?? '"',
    escape: options.escape ?? '"',
    encoding: encoding === 'latin1' ? 'latin1' : 'utf8',
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    // A quote inside an unquoted field (`5" screen`, `"gold"x`) is kept as text: strict, csv-parse would read on
    // in quoted mode and swallow the rest of the file into one bad row.
    relax_quotes: true,
    skip_records_with_error: true,
    on_skip: (error) => {
      if (error) skipped.push(error);
    },
  });
  const records = pipeline(bytes, parser, () => undefined) as unknown as AsyncIterable<string[]>;

  const header = options.header ?? true;
  let columns: string[] | undefined = options.columns;
  let goodRecords = 0;
  let row = 0;
  let lastSkip: string | undefined;
  function* skippedBefore(records: number): Generator<ParsedRow> {
    while (skipped.length > 0 && (skipped[0].records as number) < records) {
      const error = skipped.shift()!;
      // One bad record can raise several errors; those on one line are one row.
      const at = `${error.records as number}:${error.lines as number}`;
      if (at === lastSkip) continue;
      lastSkip = at;
      row += 1;
      yield { row, error: error.message };
    }
  }

  for await (const record of records) {
    goodRecords += 1;
    if (skipped.length > 0) yield* skippedBefore(goodRecords);
    if (header && goodRecords === 1) {
      columns ??= record;
      continue;
    }
    row += 1;
    columns ??= record.map((_, i) => `column_${i + 1}`);
    if (record.length !== columns.length) {
      yield { row, error: `the row has ${record.length} fields where the columns are ${columns.length}` };
      continue;
    }
    const data: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i += 1) data[columns[i]] = record[i] === '' ? null : record[i];
    yield { row, data };
  }
  yield* skippedBefore(Number.POSITIVE_INFINITY);
}

/** The column names of a CSV file: its header row, or the configured names. */
export async function csvColumns(bytes: Readable, options: CsvOptions, encoding: FileEncoding): Promise<string[]> {
  if (options.columns) {
    bytes.destroy();
    return options.columns;
  }
  const rows = csvRows(bytes, { ...options, header: false }, encoding);
  try {
    const first = await rows.next();
    if (first.done || !('data' in first.value)) return [];
    return Object.values(first.value.data).map((v, i) => (typeof v === 'string' ? v : `column_${i + 1}`));
  } finally {
    await rows.return(undefined);
    bytes.destroy();
  }
}
