const CR = 13;
const LF = 10;

/** Record delimiters as csv-parse discovers them: the first line break outside quotes decides for the file. */
type RecordDelimiter = '\r\n' | '\n' | '\r';

/**
 * Splits CSV text into records, for the common dialect only: single-character delimiter and quote, a quote escaped
 * by doubling it. It gives csv-parse's results (with csv-rows.ts' options) for every record it accepts, and stops
 * at the first record it cannot vouch for (a character after a closing quote, a quote left open at the end), which
 * csv-rows.ts hands to csv-parse with the rest of the file. Why: csv-parse's byte-by-byte state machine cost ~6-9 µs
 * of CPU per row of the bench's 8-column CSV, this ~1 µs (docs/benchmarks.md, "Connectors: row keys per
 * checkpoint, Avro and CSV").
 */
export class CsvSplitter {
  /** The file's record delimiter, once a line break outside quotes showed it. */
  recordDelimiter: RecordDelimiter | null = null;
  /** Line breaks consumed, counted as csv-parse counts them (its error messages name lines). */
  lines = 0;
  /** The splitter met a record it does not vouch for, at the offset `split` returned. */
  irregular = false;
  private readonly delimiter: number;
  private readonly quote: string;
  private readonly quoteCode: number;

  constructor(delimiter: string, quote: string) {
    this.delimiter = delimiter.charCodeAt(0);
    this.quote = quote;
    this.quoteCode = quote.charCodeAt(0);
  }

  /** Whether csv-rows.ts' options are a dialect this splitter reads. */
  static handles(delimiter: string, quote: string, escape: string): boolean {
    return delimiter.length === 1 && quote.length === 1 && escape === quote && !'\r\n'.includes(delimiter) && !'\r\n'.includes(quote);
  }

  /**
   * Appends the complete records of `text` to `out` and returns where the first record not taken starts: an
   * incomplete one (unless `final`: the end of the text ends it), or an irregular one (then `irregular` is set).
   * Empty lines are skipped.
   */
  split(text: string, final: boolean, out: string[][]): number {
    const n = text.length;
    let taken = 0;
    let pos = 0;
    let record: string[] = [];
    let lines = 0;
    let linesTaken = 0;
    for (;;) {
      // at the start of a field
      if (pos >= n) {
        // the text ends after a delimiter (or at a record's start): a last, empty field only when final
        if (final && (record.length > 0 || pos > taken)) {
          record.push('');
          out.push(record);
          taken = n;
          linesTaken = lines;
        }
        break;
      }
      if (record.length === 0) {
        const skip = this.lineBreakAt(text, pos, final);
        if (skip < 0) break; // a lone CR at the end of the text: CRLF or not is unknown yet
        if (skip > 0) {
          // an empty line
          pos += skip;
          lines += 1;
          taken = pos;
          linesTaken = lines;
          continue;
        }
      }
      let value: string;
      let end: number;
      if (text.charCodeAt(pos) === this.quoteCode) {
        let from = pos + 1;
        let close = text.indexOf(this.quote, from);
        value = '';
        while (close >= 0 && text.charCodeAt(close + 1) === this.quoteCode) {
          value += text.slice(from, close + 1);
          from = close + 2;
          close = text.indexOf(this.quote, from);
        }
        if (close < 0 || (close + 1 >= n && !final)) {
          // open at the end of the text: more may come; at the very end csv-parse reports it
          if (final) this.irregular = true;
          break;
        }
        value += text.slice(from, close);
        lines += countLineBreaks(value);
        end = close + 1;
        const next = text.charCodeAt(end);
        if (end < n && next !== this.delimiter && next !== CR && next !== LF) {
          this.irregular = true;
          break;
        }
      } else {
        end = pos;
        while (end < n) {
          const c = text.charCodeAt(end);
          if (c === this.delimiter) break;
          if (c === CR || c === LF) {
            if (this.lineBreakAt(text, end, final) !== 0) break;
            lines += 1; // a CR or LF that is not the file's record delimiter is text
          }
          end += 1;
        }
        if (end >= n && !final) break;
        value = text.slice(pos, end);
      }
      record.push(value);
      if (end >= n) {
        out.push(record);
        taken = n;
        linesTaken = lines;
        break;
      }
      if (text.charCodeAt(end) === this.delimiter) {
        pos = end + 1;
        continue;
      }
      const skip = this.lineBreakAt(text, end, final);
      if (skip < 0) break;
      if (skip === 0) {
        // a line break after a closing quote that is not the record delimiter (LF in a CRLF file)
        this.irregular = true;
        break;
      }
      out.push(record);
      record = [];
      pos = end + skip;
      lines += 1;
      taken = pos;
      linesTaken = lines;
    }
    this.lines += linesTaken;
    return taken;
  }

  /**
   * The length of the record delimiter at `pos` (0 when there is none there, -1 when the text ends in a CR and
   * more may follow). The first line break decides the file's delimiter, as csv-parse's auto-discovery does.
   */
  private lineBreakAt(text: string, pos: number, final: boolean): number {
    const c = text.charCodeAt(pos);
    if (c !== CR && c !== LF) return 0;
    if (this.recordDelimiter === null) {
      if (c === CR && pos + 1 >= text.length && !final) return -1;
      this.recordDelimiter = c === LF ? '\n' : text.charCodeAt(pos + 1) === LF ? '\r\n' : '\r';
    }
    switch (this.recordDelimiter) {
      case '\n':
        return c === LF ? 1 : 0;
      case '\r':
        return c === CR ? 1 : 0;
      default:
        if (c !== CR) return 0;
        if (pos + 1 >= text.length) return final ? 0 : -1;
        return text.charCodeAt(pos + 1) === LF ? 2 : 0;
    }
  }
}

/** Inside quotes csv-parse counts every CR and every LF as a line. */
function countLineBreaks(value: string): number {
  let lines = 0;
  for (let at = value.indexOf('\n'); at >= 0; at = value.indexOf('\n', at + 1)) lines += 1;
  for (let at = value.indexOf('\r'); at >= 0; at = value.indexOf('\r', at + 1)) lines += 1;
  return lines;
}
