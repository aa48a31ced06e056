import { decode, encode, Topics, type RawRecordInput } from '@tessera/contracts';
import { RawRecordWriter } from './raw-record-writer';

const mapping = { Email: 'email', Id: 'crm_id' };
const renames = { Tier: 'loyalty_tier', End: 'contract_end' };
const casts = { End: 'date' };
const base: RawRecordInput = {
  messageId: '6f1c2b1e-8a4d-5c3e-9b2a-1d2e3f4a5b6c',
  sourceId: 'crm-src',
  receivedAt: 1_764_990_000_123,
  objectType: 'contacts',
  recordId: 'north:42',
  mapping,
  attributes: JSON.stringify({ Id: 'north:42', Email: 'a@x.io', Tier: 'gold' }),
  observedAt: '2026-12-01T10:00:00Z',
  renames,
  casts,
  origin: { connectionId: 'crm', runId: 'run-1', stream: 'contacts', rowKey: '42' },
};

describe('RawRecordWriter', () => {
  const writer = new RawRecordWriter();

  it.each<[string, RawRecordInput]>([
    ['a connector record', base],
    [
      'nulls and absent optional fields',
      { ...base, objectType: null, observedAt: null, origin: null, renames: undefined, casts: undefined },
    ],
    ['no objectType nor origin at all', { ...base, objectType: undefined, origin: undefined }],
    ['empty maps (an unset record)', { ...base, mapping: {}, renames: {}, casts: {} }],
    [
      'multi-byte text',
      {
        ...base,
        recordId: 'Zoë:𝄞',
        attributes: JSON.stringify({ name: 'Jürgen Ødegård 東京 🎉' }),
        origin: { ...base.origin!, rowKey: 'ß' },
      },
    ],
    [
      'strings of 63, 64 and 65 bytes (one or two length bytes)',
      { ...base, messageId: 'm'.repeat(63), recordId: 'r'.repeat(64), attributes: 'a'.repeat(65) },
    ],
    ['a 64-byte string of two-byte characters', { ...base, attributes: 'é'.repeat(32), recordId: 'é'.repeat(31) + 'x' }],
    ['a timestamp of 0 and a small one', { ...base, receivedAt: 0, messageId: 'x' }],
    ['a value larger than the scratch buffer', { ...base, attributes: JSON.stringify({ blob: 'é'.repeat(100_000) }) }],
  ])('writes the bytes avsc writes: %s', (_, value) => {
    expect(writer.encode(value).equals(encode(Topics.RecordsRaw, value))).toBe(true);
  });

  it('reuses the bytes of a map object, and encodes a different object with other contents anew', () => {
    // copies: each call's bytes are a view of the writer's scratch buffer
    const first = Buffer.from(writer.encode(base));
    const other = Buffer.from(writer.encode({ ...base, mapping: { Email: 'email', Id: 'user_id' } }));
    expect(decode(Topics.RecordsRaw, first).mapping).toEqual(mapping);
    expect(decode(Topics.RecordsRaw, other).mapping).toEqual({ Email: 'email', Id: 'user_id' });
    // after a large record the next small one is still exact (the scratch buffer grew, nothing stale)
    writer.encode({ ...base, attributes: 'x'.repeat(200_000) });
    expect(writer.encode(base).equals(first)).toBe(true);
  });
});
