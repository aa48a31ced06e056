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
  'userId', 'anonymousId', 'event', 'name', 'category', 'groupId', 'previousId', 'timestamp', 'sentAt', 'originalTimestamp',
  'properties', 'traits', 'context', 'integrations', 'extra',
] as const;
const REQUIRED_FIELDS = ['messageId', 'sourceId', 'receivedAt', 'type'] as const;
/** Index in JSON_TEXT_FIELDS of each nullable field, or -1. */
const JSON_FIELD_INDEX = NULLABLE_STRING_FIELDS.map((name) => (JSON_TEXT_FIELDS as readonly string[]).indexOf(name));

/** Bytes an Avro long (zigzag varint) takes at most. */
const MAX_VARINT_BYTES = 10;

/**
 * Writes cdp.events.raw values (Avro single-object encoding, the topic's newest schema) byte for byte as
 * `encode(Topics.EventsRaw, value)` does, a spec checks, but without avsc's generic machinery: one pass into one
 * buffer per request, and JSON text copied straight from the request body where the client's bytes can be kept.
 * WHY: avsc's encode plus a copy per event, and the JSON.stringify this replaces, were a fifth of the gateway's
 * CPU per event. The constructor checks the schema is still the one this writer was written for, so a new
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
    const expectedTypes = ['"string"', '"string"', '"long"', '"string"', ...NULLABLE_STRING_FIELDS.map(() => '["null","string"]')].join(',');
    if (actual !== expected || types !== expectedTypes) {
      throw new Error(`RawEventEncoder was written for cdp.events.raw fields ${expected}; the newest schema (v${latest.version}) differs: update it`);
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

  private sizeBound({ value, ranges }: RawEventParts): number {
    let bound = this.header.length + 4 * MAX_VARINT_BYTES + NULLABLE_STRING_FIELDS.length * (1 + MAX_VARINT_BYTES);
    bound += 3 * (value.messageId.length + value.sourceId.length + value.type.length);
    for (let f = 0; f < NULLABLE_STRING_FIELDS.length; f++) {
      const text = value[NULLABLE_STRING_FIELDS[f]];
      if (text != null) bound += 3 * text.length;
      else if (ranges && JSON_FIELD_INDEX[f] >= 0 && ranges[2 * JSON_FIELD_INDEX[f]] >= 0) {
        bound += ranges[2 * JSON_FIELD_INDEX[f] + 1] - ranges[2 * JSON_FIELD_INDEX[f]];
      }
    }
    return bound;
  }

  private write(buf: Buffer, pos: number, { value, ranges }: RawEventParts, body: Buffer | undefined): number {
    pos += this.header.copy(buf, pos);
    pos = writeString(buf, pos, value.messageId);
    pos = writeString(buf, pos, value.sourceId);
    pos = writeLong(buf, pos, value.receivedAt);
    pos = writeString(buf, pos, value.type);
    for (let f = 0; f < NULLABLE_STRING_FIELDS.length; f++) {
      const text = value[NULLABLE_STRING_FIELDS[f]];
      if (text != null) {
        buf[pos++] = 2; // union branch 1: string
        pos = writeString(buf, pos, text);
        continue;
      }
      const jsonField = JSON_FIELD_INDEX[f];
      const start = ranges && jsonField >= 0 ? ranges[2 * jsonField] : -1;
      if (start < 0 || !body || !ranges) {
        buf[pos++] = 0; // union branch 0: null
        continue;
      }
      const end = ranges[2 * jsonField + 1];
      buf[pos++] = 2;
      pos = writeLong(buf, pos, end - start);
      pos += body.copy(buf, pos, start, end);
    }
    return pos;
  }
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
