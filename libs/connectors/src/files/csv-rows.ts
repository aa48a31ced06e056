import { pipeline, Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { CsvError, parse } from 'csv-parse';
import { CsvSplitter } from './csv-splitter';
import type { CsvOptions, FileEncoding } from './files-config';
import type { ParsedRow } from './parsed-row';

/** A CSV record's fields, or a record the parser could not read, in file order. */
type CsvItem = string[] | { error: string };

/**
 * The rows of a CSV file. A record that cannot be read (an unclosed quote) or whose field count differs from the
 * columns' becomes an `error` row in its place, and parsing goes on. The common dialect is split by CsvSplitter;
 * csv-parse reads other dialects, and the rest of a file from the first record the splitter does not vouch for.
 */
export async function* csvRows(
  bytes: Readable,
  options: CsvOptions,
  encoding: FileEncoding,
  // false: csv-parse alone, the reference csv-splitter.spec.ts compares the splitter with
  split = true,
): AsyncGenerator<ParsedRow> {
  const header = options.header ?? true;
  let columns: string[] | undefined = options.columns;
  let goodRecords = 0;
  let row = 0;
  const decoding = encoding === 'latin1' ? 'latin1' : 'utf8';
  const batches = split ? csvRecords(bytes, options, decoding) : oneByOne(csvParseRecords(bytes, options, decoding, true));
  for await (const batch of batches) {
    for (const record of batch) {
      if (!Array.isArray(record)) {
        row += 1;
        yield { row, error: record.error };
        continue;
      }
      goodRecords += 1;
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
  }
}

async function* oneByOne(items: AsyncIterable<CsvItem>): AsyncGenerator<CsvItem[]> {
  for await (const item of items) yield [item];
}

/** The records of a chunk at a time (an async step per record cost more than splitting it). */
async function* csvRecords(bytes: Readable, options: CsvOptions, encoding: 'utf8' | 'latin1'): AsyncGenerator<CsvItem[]> {
  const delimiter = options.delimiter ?? ',';
  const quote = options.quote ?? '"';
  if (!CsvSplitter.handles(delimiter, quote, options.escape ?? '"')) {
    yield* oneByOne(csvParseRecords(bytes, options, encoding, true));
    return;
  }
  const chunks = bytes[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  try {
    // The byte order mark as csv-parse (bom: true) treats it: a UTF-8 one is dropped and the file read as UTF-8
    // whatever the configured encoding; a UTF-16 one is csv-parse's to read.
    let head = Buffer.alloc(0);
    while (head.length < 3) {
      const next = await chunks.next();
      if (next.done) break;
      head = Buffer.concat([head, next.value]);
    }
    let decoding = encoding;
    if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
      head = head.subarray(3);
      decoding = 'utf8';
    } else if (head[0] === 0xff && head[1] === 0xfe) {
      yield* oneByOne(csvParseRecords(Readable.from(rawRest(head, chunks)), options, encoding, true));
      return;
    }
    const decoder = new StringDecoder(decoding);
    const splitter = new CsvSplitter(delimiter, quote);
    let text = decoder.write(head);
    let ended = false;
    for (;;) {
      const out: string[][] = [];
      const taken = splitter.split(text, ended, out);
      if (out.length > 0) yield out;
      text = text.slice(taken);
      if (splitter.irregular) {
        // csv-parse reads on from this record, after as many empty lines as were read, so its messages name the
        // file's own line numbers; it gets UTF-8 text whatever the file's encoding.
        const lines = splitter.recordDelimiter === null ? '' : splitter.recordDelimiter.repeat(splitter.lines);
        yield* oneByOne(csvParseRecords(Readable.from(decodedRest(lines + text, ended, decoder, chunks)), options, 'utf8', false));
        return;
      }
      if (ended) return;
      const next = await chunks.next();
      if (next.done) {
        text += decoder.end();
        ended = true;
      } else text += decoder.write(next.value);
    }
  } finally {
    await chunks.return?.();
  }
}

async function* rawRest(head: Buffer, chunks: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield head;
  for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
}

async function* decodedRest(text: string, ended: boolean, decoder: StringDecoder, chunks: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield Buffer.from(text, 'utf8');
  if (ended) return;
  for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield Buffer.from(decoder.write(next.value), 'utf8');
  yield Buffer.from(decoder.end(), 'utf8');
}

/** csv-parse's records, and the records it skipped as errors in their place. */
async function* csvParseRecords(bytes: Readable, options: CsvOptions, encoding: 'utf8' | 'latin1', bom: boolean): AsyncGenerator<CsvItem> {
  // csv-parse reports a skipped record through on_skip, synchronously while it parses, whereas the good records
  // reach us later through the stream; `records` on the error (good records before it) puts it back in order.
  const skipped: CsvError[] = [];
  const parser = parse({
    delimiter: options.delimiter ?? ',',
    quote: options.quote ?? '"',
    escape: options.escape ?? '"',
    encoding,
    bom,
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
  let goodRecords = 0;
  let lastSkip: string | undefined;
  function* skippedBefore(records: number): Generator<CsvItem> {
    while (skipped.length > 0 && (skipped[0].records as number) < records) {
      const error = skipped.shift()!;
      // One bad record can raise several errors; those on one line are one row.
      const at = `${error.records as number}:${error.lines as number}`;
      if (at === lastSkip) continue;
      lastSkip = at;
      yield { error: error.message };
    }
  }
  for await (const record of records) {
    goodRecords += 1;
    if (skipped.length > 0) yield* skippedBefore(goodRecords);
    yield record;
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
