import { Topics, contractRegistry, type RawEventInput } from '@tessera/contracts';
import { JSON_TEXT_FIELDS, type JsonFieldRanges } from './json-field-locator';

/** A RawEvent to encode; JSON-text fields that are null in `value` may come from `body` instead (see ranges). */
export interface RawEventParts {
  value: RawEventInput;
  /** Where in `body` the JSON text of a field is, as sent; used for the fields whose `value` entry is null. */
  ranges: JsonFieldRanges | null;
}

/** RawEvent's fields in schema order, after the three leading required ones (and type, the fourth). */
const NULLABLE_STRING_FIELDS = [
  'userId',
  'anonymousId',
  'event',
  'name',
  'category',
  'groupId',
  'previousId',
  'timestamp',
  'sentAt',
  'originalTimestamp',
  'properties',
  'traits',
  'context',
  'integrations',
  'extra',
] as const;
const REQUIRED_FIELDS = ['messageId', 'sourceId', 'receivedAt', 'type'] as const;

/** Bytes an Avro long (zigzag varint) takes at most. */
const MAX_VARINT_BYTES = 10;

/**
 * Writes cdp.events.raw values (Avro single-object encoding, the topic's newest schema) byte for byte as
 * `encode(Topics.EventsRaw, value)` does, a spec checks, but without avsc's generic machinery: one pass into one
 * buffer per request, and JSON text copied straight from the request body where the client's bytes can be kept.
 * WHY: avsc's encode plus a copy per event, and a JSON.stringify of the fields kept as sent, cost a fifth of the
 * gateway's CPU per event. The constructor checks the schema is still the one this writer was written for, so a new
 * RawEvent version fails at start-up until this is updated.
 */
export class RawEventEncoder {
  private readonly header: Buffer;
  private scratch = Buffer.allocUnsafe(256 * 1024);

  constructor() {
    const latest = contractRegistry.latest(Topics.EventsRaw);
    const fields = (latest.type.schema() as { fields: { name: string; type: unknown }[] }).fields;
    const expected = [...REQUIRED_FIELDS, ...NULLABLE_STRING_FIELDS].join(',');
    const actual = fields.map((f) => f.name).join(',');
    const types = fields.map((f) => JSON.stringify(f.type)).join(',');
    const expectedTypes = ['"string"', '"string"', '"long"', '"string"', ...NULLABLE_STRING_FIELDS.map(() => '["null","string"]')].join(
      ',',
    );
    if (actual !== expected || types !== expectedTypes) {
      throw new Error(
        `RawEventEncoder was written for cdp.events.raw fields ${expected}; the newest schema (v${latest.version}) differs: update it`,
      );
    }
    this.header = latest.header;
  }

  /** One payload per event, all views of one buffer. `body` is the request body the ranges point into. */
  encodeAll(events: readonly RawEventParts[], body: Buffer | undefined): Buffer[] {
    let bound = 0;
    for (const event of events) bound += this.sizeBound(event);
    if (bound > this.scratch.length) this.scratch = Buffer.allocUnsafe(Math.max(bound, 2 * this.scratch.length));
    const buf = this.scratch;
    const ends: number[] = new Array<number>(events.length);
    let pos = 0;
    for (let e = 0; e < events.length; e++) {
      pos = this.write(buf, pos, events[e], body);
      ends[e] = pos;
    }
    const out = Buffer.allocUnsafe(pos);
    buf.copy(out, 0, 0, pos);
    const payloads = new Array<Buffer>(events.length);
    let start = 0;
    for (let e = 0; e < events.length; e++) {
      payloads[e] = out.subarray(start, ends[e]);
      start = ends[e];
    }
    return payloads;
  }

  /** At most the bytes write() takes: 3 bytes per UTF-16 unit, the JSON ranges, and the framing. */
  private sizeBound({ value: v, ranges }: RawEventParts): number {
    const bound = this.header.length + 4 * MAX_VARINT_BYTES + NULLABLE_STRING_FIELDS.length * (1 + MAX_VARINT_BYTES);
    const texts =
      v.messageId.length +
      v.sourceId.length +
      v.type.length +
      lengthOf(v.userId) +
      lengthOf(v.anonymousId) +
      lengthOf(v.event) +
      lengthOf(v.name) +
      lengthOf(v.category) +
      lengthOf(v.groupId) +
      lengthOf(v.previousId) +
      lengthOf(v.timestamp) +
      lengthOf(v.sentAt) +
      lengthOf(v.originalTimestamp) +
      lengthOf(v.properties) +
      lengthOf(v.traits) +
      lengthOf(v.context) +
      lengthOf(v.integrations) +
      lengthOf(v.extra);
    let copied = 0;
    if (ranges) for (let f = 0; f < ranges.length; f += 2) if (ranges[f] >= 0) copied += ranges[f + 1] - ranges[f];
    return bound + 3 * texts + copied;
  }

  /** The fields in schema order (checked by the constructor), each read by name: far cheaper than by a key variable. */
  private write(buf: Buffer, pos: number, { value: v, ranges }: RawEventParts, body: Buffer | undefined): number {
    buf.set(this.header, pos);
    pos += this.header.length;
    pos = writeString(buf, pos, v.messageId);
    pos = writeString(buf, pos, v.sourceId);
    pos = writeLong(buf, pos, v.receivedAt);
    pos = writeString(buf, pos, v.type);
    pos = writeNullable(buf, pos, v.userId);
    pos = writeNullable(buf, pos, v.anonymousId);
    pos = writeNullable(buf, pos, v.event);
    pos = writeNullable(buf, pos, v.name);
    pos = writeNullable(buf, pos, v.category);
    pos = writeNullable(buf, pos, v.groupId);
    pos = writeNullable(buf, pos, v.previousId);
    pos = writeNullable(buf, pos, v.timestamp);
    pos = writeNullable(buf, pos, v.sentAt);
    pos = writeNullable(buf, pos, v.originalTimestamp);
    pos = writeJsonText(buf, pos, v.properties, ranges, PROPERTIES, body);
    pos = writeJsonText(buf, pos, v.traits, ranges, TRAITS, body);
    pos = writeJsonText(buf, pos, v.context, ranges, CONTEXT, body);
    pos = writeJsonText(buf, pos, v.integrations, ranges, INTEGRATIONS, body);
    return writeNullable(buf, pos, v.extra);
  }
}

const PROPERTIES = JSON_TEXT_FIELDS.indexOf('properties');
const TRAITS = JSON_TEXT_FIELDS.indexOf('traits');
const CONTEXT = JSON_TEXT_FIELDS.indexOf('context');
const INTEGRATIONS = JSON_TEXT_FIELDS.indexOf('integrations');

function lengthOf(text: string | null | undefined): number {
  return text == null ? 0 : text.length;
}

/** ["null","string"]: branch 0 for null, else branch 1 and the string. */
function writeNullable(buf: Buffer, pos: number, text: string | null | undefined): number {
  if (text == null) {
    buf[pos] = 0;
    return pos + 1;
  }
  buf[pos] = 2;
  return writeString(buf, pos + 1, text);
}

/** A JSON-text field: the text in `value` when there is one, else the body's bytes at its range, else null. */
function writeJsonText(
  buf: Buffer,
  pos: number,
  text: string | null | undefined,
  ranges: JsonFieldRanges | null,
  field: number,
  body: Buffer | undefined,
): number {
  const start = ranges && body ? ranges[2 * field] : -1;
  if (text != null || start < 0 || !ranges || !body) return writeNullable(buf, pos, text);
  const end = ranges[2 * field + 1];
  buf[pos] = 2;
  pos = writeLong(buf, pos + 1, end - start);
  return pos + body.copy(buf, pos, start, end);
}

/** Avro long: zigzag, then base-128 varint. Arithmetic, not bit operations, so it holds past 32 bits (epoch ms). */
function writeLong(buf: Buffer, pos: number, value: number): number {
  let n = value >= 0 ? value * 2 : -value * 2 - 1;
  while (n >= 0x80) {
    buf[pos++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  buf[pos++] = n;
  return pos;
}

/** Avro string: byte length as a long, then UTF-8. Short ASCII strings, the usual case, are copied in a JS loop. */
function writeString(buf: Buffer, pos: number, text: string): number {
  const length = text.length;
  if (length < 64) {
    let p = pos + 1;
    let ascii = true;
    for (let i = 0; i < length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) {
        ascii = false;
        break;
      }
      buf[p++] = c;
    }
    if (ascii) {
      buf[pos] = length * 2; // zigzag of a length under 64 fits one byte
      return p;
    }
  }
  const bytes = Buffer.byteLength(text, 'utf8');
  pos = writeLong(buf, pos, bytes);
  return pos + buf.write(text, pos, bytes, 'utf8');
}
