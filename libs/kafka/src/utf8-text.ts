/**
 * UTF-8 length and writing of the short strings the transport writes per message (topics, header names, ids,
 * sequences): a JS loop over an ASCII string costs less than Buffer.byteLength's or Buffer#write's native call.
 * Longer or non-ASCII strings take Node's own.
 */
const SHORT = 64;

export function utf8Length(text: string): number {
  if (text.length > SHORT) return Buffer.byteLength(text, 'utf8');
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return Buffer.byteLength(text, 'utf8');
  return text.length;
}

/** Writes `text`, whose utf8Length is `length`, at `offset` of `buf`; returns the end offset. */
export function writeUtf8(buf: Buffer, offset: number, text: string, length: number): number {
  if (length === text.length && length <= SHORT) {
    for (let i = 0; i < length; i++) buf[offset + i] = text.charCodeAt(i);
    return offset + length;
  }
  return offset + buf.write(text, offset, length, 'utf8');
}
