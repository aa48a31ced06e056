import { Readable } from 'node:stream';
import { csvRows } from './csv-rows';
import type { CsvOptions, FileEncoding } from './files-config';
import type { ParsedRow } from './parsed-row';

/** A small deterministic PRNG (mulberry32), so a failure names a seed that reproduces it. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The bytes cut at random places (inside CRLFs and multi-byte characters too). */
function chunked(bytes: Buffer, next: () => number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length;) {
    const size = 1 + Math.floor(next() * (next() < 0.5 ? 4 : 64));
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

async function rows(chunks: Buffer[], options: CsvOptions, encoding: FileEncoding, split: boolean): Promise<ParsedRow[]> {
  const out: ParsedRow[] = [];
  for await (const row of csvRows(Readable.from(chunks), options, encoding, split)) out.push(row);
  return out;
}

const PIECES = ['a', 'bc', 'é', '𝄞', ',', ',', '"', '""', '\n', '\n', '\r\n', '\r', ' ', ';', 'x"y'];

/** Mostly well-formed CSV (quoted fields with delimiters, quotes and line breaks) with random damage. */
function csvText(next: () => number): string {
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)];
  const eol = pick(['\n', '\r\n', '\r']);
  const lines: string[] = [];
  for (let r = Math.floor(next() * 6); r >= 0; r -= 1) {
    const fields: string[] = [];
    for (let f = 1 + Math.floor(next() * 4); f > 0; f -= 1) {
      const value = Array.from({ length: Math.floor(next() * 4) }, () => pick(PIECES)).join('');
      fields.push(next() < 0.4 ? `"${value.replace(/"/g, '""')}"` : value.replace(/[",\r\n]/g, ''));
    }
    lines.push(fields.join(','));
  }
  let text = lines.join(eol) + (next() < 0.7 ? eol : '');
  for (let damage = Math.floor(next() * 3) - 1; damage > 0; damage -= 1) {
    const at = Math.floor(next() * (text.length + 1));
    text = text.slice(0, at) + pick(PIECES) + text.slice(at);
  }
  return (next() < 0.1 ? '\uFEFF' : '') + text;
}

describe('CsvSplitter through csvRows: the same rows as csv-parse alone', () => {
  it.each([
    ['quoted fields, doubled quotes, line breaks inside', 'id,name,note\r\n1,"Doe, Jane","said ""hi""\nthen left"\r\n2,Bob,\r\n'],
    ['an unclosed quote at the end', 'id,email,tier\n1,a@example.com,gold\n2,"b@example.com,silver\n'],
    ['text after a closing quote, then more rows', 'id,tier\n1,"gold"x\n2,silver\n3,"a\nb"\n4,"open\n'],
    ['a quote inside an unquoted field', 'id,tier\n3,5" gold\n4,silver\n'],
    ['empty lines, a last row without a line break, a trailing delimiter', '\n\nid,tier\n\n1,gold\n\n2,'],
    ['an LF inside a CRLF file, and a CR inside an LF file', 'id,tier\r\n1,a\nb\r\n2,"x"\ny\r\n3,c\r\nid\n1,a\rb\n'],
    ['a byte order mark', '\uFEFFid,tier\n1,gold\n'],
    ['an empty file', ''],
  ])('%s', async (_, text) => {
    for (let seed = 1; seed <= 20; seed += 1) {
      const chunks = chunked(Buffer.from(text, 'utf8'), random(seed));
      expect(await rows(chunks, {}, 'utf-8', true)).toEqual(await rows(chunks, {}, 'utf-8', false));
    }
  });

  it('on 3,000 random, partly damaged files in random chunks (UTF-8, Latin-1, no header, another delimiter)', async () => {
    for (let seed = 1; seed <= 3_000; seed += 1) {
      const next = random(seed);
      const latin1 = next() < 0.2;
      const semicolon = next() < 0.2;
      let text = csvText(next);
      if (semicolon) text = text.replace(/,/g, ';');
      const bytes = latin1 ? Buffer.from(text.replace(/𝄞/g, 'ß').replace(/\uFEFF/g, ''), 'latin1') : Buffer.from(text, 'utf8');
      const chunks = chunked(bytes, next);
      const options: CsvOptions = { header: next() < 0.7, ...(semicolon ? { delimiter: ';' } : {}) };
      const encoding: FileEncoding = latin1 ? 'latin1' : 'utf-8';
      const split = await rows(chunks, options, encoding, true);
      const reference = await rows(chunks, options, encoding, false);
      if (JSON.stringify(split) !== JSON.stringify(reference))
        throw new Error(
          `seed ${seed}: ${JSON.stringify(text)}\nsplit:     ${JSON.stringify(split)}\nreference: ${JSON.stringify(reference)}`,
        );
    }
  }, 120_000);
});
