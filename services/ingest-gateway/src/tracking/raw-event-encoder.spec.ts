import { Topics, decode, encode } from '@tessera/contracts';
import fc from 'fast-check';
import { locateBatchItemFields, locateCallFields } from './json-field-locator';
import { RawEventEncoder } from './raw-event-encoder';
import { stampEvent } from '../test-support/stamp-event';
import { toRawEventParts } from './segment-event-mapper';

const encoder = new RawEventEncoder();
const JSON_FIELDS = ['properties', 'traits', 'context', 'integrations', 'extra'] as const;

/** Keys a Segment call may carry, plus a few unknown ones (they go to extra). */
const callKey = fc.constantFrom(
  'userId',
  'anonymousId',
  'event',
  'name',
  'timestamp',
  'sentAt',
  'properties',
  'traits',
  'context',
  'integrations',
  'channel',
  'type',
  '__proto__',
  'prop\\u0065rties',
);
/** Objects with their own toString or valueOf cannot go through String() (the mapper's rule for identifiers). */
const call = fc
  .dictionary(callKey, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 10 })
  .filter((item) => !/"(toString|valueOf)"/.test(JSON.stringify(item)));

/** The body as a client may space it: compact, indented, or with extra blanks after the punctuation. */
function spaced(value: unknown, style: number): string {
  const compact = JSON.stringify(value);
  if (style === 0) return compact;
  if (style === 1) return JSON.stringify(value, null, 2);
  let out = '';
  let inString = false;
  for (let i = 0; i < compact.length; i++) {
    const c = compact[i];
    out += c;
    if (inString) {
      if (c === '\\') out += compact[++i];
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (',:{['.includes(c)) out += ' \n\t';
  }
  return out;
}

function oldWay(item: Record<string, unknown>, defaults?: Record<string, unknown>): Buffer {
  return encode(Topics.EventsRaw, stampEvent(item, 'track', 'src', 1_763_800_000_123, defaults).value);
}

function parsedFields(payload: Buffer): Record<string, unknown> {
  const value = decode(Topics.EventsRaw, payload) as unknown as Record<string, string | null>;
  const out: Record<string, unknown> = { ...value };
  for (const field of JSON_FIELDS) out[field] = value[field] === null ? null : JSON.parse(value[field]);
  return out;
}

describe('RawEventEncoder with JSON text from the body', () => {
  it('writes the same bytes as encode() when the body is compact JSON', () => {
    fc.assert(
      fc.property(call, fc.string({ minLength: 1 }), (generated, messageId) => {
        const item = { ...generated, messageId };
        const body = Buffer.from(JSON.stringify(item));
        const parsed = JSON.parse(body.toString()) as Record<string, unknown>;
        const { parts } = toRawEventParts(parsed, 'track', 'src', 1_763_800_000_123, undefined, locateCallFields(body));
        const [payload] = encoder.encodeAll([parts], body);
        expect(payload.equals(oldWay(parsed))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('carries the same values as encode() whatever the spacing, for single calls and batches', () => {
    fc.assert(
      fc.property(
        fc.array(call, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 0, max: 2 }),
        fc.option(call),
        (items, style, batchContext) => {
          const batch = items.map((item, i) => ({ ...item, messageId: `m${i}` }));
          const bodyValue = batchContext === null ? { batch } : { batch, context: batchContext, sentAt: 'T' };
          const body = Buffer.from(spaced(bodyValue, style));
          const parsed = JSON.parse(body.toString()) as { batch: Record<string, unknown>[]; context?: unknown; sentAt?: unknown };
          const defaults = { context: parsed.context, sentAt: parsed.sentAt };
          const located = locateBatchItemFields(body);
          expect(located).toHaveLength(batch.length);
          const events = parsed.batch.map(
            (item, i) => toRawEventParts(item, 'track', 'src', 1_763_800_000_123, defaults, located![i]).parts,
          );
          const payloads = encoder.encodeAll(events, body);
          payloads.forEach((payload, i) => expect(parsedFields(payload)).toEqual(parsedFields(oldWay(parsed.batch[i], defaults))));

          const single = Buffer.from(spaced(batch[0], style));
          const item = JSON.parse(single.toString()) as Record<string, unknown>;
          const [payload] = encoder.encodeAll(
            [toRawEventParts(item, 'track', 'src', 1_763_800_000_123, undefined, locateCallFields(single)).parts],
            single,
          );
          expect(parsedFields(payload)).toEqual(parsedFields(oldWay(item)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps the client bytes, except for numbers whose meaning JSON.stringify would change', () => {
    const body = Buffer.from('{"messageId":"m","properties": {"price": 1.50,  "tags":["a", "b"]},"traits":{"x":1e400},"context":{"z":-0}}');
    const item = JSON.parse(body.toString()) as Record<string, unknown>;
    const [payload] = encoder.encodeAll([toRawEventParts(item, 'track', 'src', 1, undefined, locateCallFields(body)).parts], body);
    const value = decode(Topics.EventsRaw, payload);
    expect(value.properties).toBe('{"price": 1.50,  "tags":["a", "b"]}');
    expect(value.traits).toBe('{"x":null}');
    expect(value.context).toBe('{"z":0}');
  });

  it('serialises the parsed values when the body is not valid UTF-8 or a key is escaped', () => {
    const invalid = Buffer.concat([Buffer.from('{"messageId":"m","properties":{"s":"'), Buffer.from([0xff]), Buffer.from('"}}')]);
    expect(locateCallFields(invalid)).toBeNull();
    const escaped = Buffer.from('{"messageId":"m","prop\\u0065rties":{"a":1},"properties":{"a": 2}}');
    expect(locateCallFields(escaped)).toBeNull();
    expect(locateBatchItemFields(Buffer.from('{"b\\u0061tch":[{}],"batch":[{"properties": {}}]}'))).toBeNull();
  });

  it('writes long, non-ASCII strings and many events into views of one buffer', () => {
    const items = Array.from({ length: 300 }, (_, i) => ({
      messageId: `m-${i}`,
      userId: 'ü'.repeat(i),
      event: 'x'.repeat(i * 10),
      properties: { i },
    }));
    const body = Buffer.from(JSON.stringify({ batch: items }));
    const located = locateBatchItemFields(body)!;
    const parsed = (JSON.parse(body.toString()) as { batch: Record<string, unknown>[] }).batch;
    const payloads = encoder.encodeAll(
      parsed.map((item, i) => toRawEventParts(item, 'track', 'src', 1_763_800_000_123, {}, located[i]).parts),
      body,
    );
    payloads.forEach((payload, i) => expect([i, payload.toString('hex')]).toEqual([i, oldWay(parsed[i], {}).toString('hex')]));
  });
});
