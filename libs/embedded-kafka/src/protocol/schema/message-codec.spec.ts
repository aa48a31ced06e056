import { ByteWriter } from '../primitives/byte-writer';
import type { MessageSpec } from './message-spec';
import { MessageCodec } from './message-codec';

/** Table features no Kafka message we serve uses today, so the 18 API tables alone would not cover them. */
const spec: MessageSpec = {
  name: 'SyntheticRequest',
  validVersions: '0-2',
  flexibleVersions: '1+',
  fields: [
    { name: 'ratio', type: 'float64', versions: '0+' },
    { name: 'port', type: 'uint16', versions: '0+' },
    { name: 'big', type: 'uint32', versions: '0+' },
    { name: 'legacyName', type: 'string', versions: '0+', flexibleVersions: 'none' },
    { name: 'names', type: '[]string', versions: '0+', nullableVersions: '2+' },
    {
      name: 'leader',
      type: 'struct',
      versions: '1+',
      nullableVersions: '2+',
      fields: [{ name: 'id', type: 'int32', versions: '1+', default: -1 }],
    },
    {
      name: 'hint',
      type: 'struct',
      versions: '2+',
      taggedVersions: '2+',
      tag: 4,
      fields: [{ name: 'epochs', type: '[]int64', versions: '2+' }],
    },
  ],
};
const codec = new MessageCodec(spec);

function roundTrip(version: number, body: Record<string, unknown>) {
  const w = new ByteWriter();
  codec.encode(w, version, body);
  const bytes = Buffer.from(w.toBuffer());
  const decoded = codec.decodeBuffer(bytes, version);
  const again = new ByteWriter();
  codec.encode(again, version, decoded);
  expect(again.toBuffer().equals(bytes)).toBe(true);
  return { bytes, decoded };
}

describe('MessageCodec on table features outside the served APIs', () => {
  it('writes a classic string inside a flexible version when the field opts out', () => {
    const { bytes } = roundTrip(1, { ratio: 0.5, port: 65535, big: 4294967295, legacyName: 'ab', names: ['x'], leader: { id: 3 } });
    expect(bytes.toString('hex')).toBe('3fe0000000000000' + 'ffff' + 'ffffffff' + '00026162' + '02' + '0278' + '00000003' + '00' + '00');
  });

  it('marks a nullable struct with an int8 presence byte', () => {
    expect(roundTrip(2, { leader: null }).decoded.leader).toBeNull();
    expect(roundTrip(2, { leader: { id: 5 } }).decoded.leader).toEqual({ id: 5 });
  });

  it('round-trips a tagged struct holding an int64 array, and omits it when default', () => {
    expect(roundTrip(2, { hint: { epochs: [1n, -1n] } }).decoded.hint).toEqual({ epochs: [1n, -1n] });
    expect(roundTrip(2, {}).bytes.subarray(-1).toString('hex')).toBe('00');
  });

  it('fills fields a version lacks with their defaults when decoding', () => {
    expect(roundTrip(0, { names: [] }).decoded).toEqual({
      ratio: 0,
      port: 0,
      big: 0,
      legacyName: '',
      names: [],
      leader: { id: -1 },
      hint: { epochs: [] },
    });
  });

  it('rejects versions outside the table', () => {
    expect(() => codec.plan(3)).toThrow(RangeError);
  });
});
