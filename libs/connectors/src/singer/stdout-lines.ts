import type { Readable } from 'node:stream';

/** A Singer record is one line; one this long is a runaway tap, not a row to hold in memory. */
const MAX_LINE_CHARS = 64 * 1024 * 1024;

/**
 * The lines of a text stream, pulled one chunk at a time: the tap blocks on a full pipe while a slow consumer
 * (a run committing a batch) has not asked for more, so memory stays bounded. A last line without `\n` counts.
 */
export async function* linesOf(stream: Readable, maxLineChars = MAX_LINE_CHARS): AsyncIterable<string> {
  stream.setEncoding('utf8');
  let rest = '';
  for await (const chunk of stream as AsyncIterable<string>) {
    rest += chunk;
    if (rest.length > maxLineChars && rest.indexOf('\n') < 0) throw new Error(`a line longer than ${maxLineChars} characters`);
    let end = rest.indexOf('\n');
    while (end >= 0) {
      yield rest.slice(0, end).replace(/\r$/, '');
      rest = rest.slice(end + 1);
      end = rest.indexOf('\n');
    }
  }
  if (rest !== '') yield rest;
}
