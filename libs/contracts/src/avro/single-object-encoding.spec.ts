import { ContractDecodeError } from '../errors/contract-decode.error';
import { rabinFingerprintBytes } from './rabin-fingerprint';
import { frameSingleObject, parseSingleObject, singleObjectHeader } from './single-object-encoding';

describe('single-object encoding', () => {
  const fingerprint = rabinFingerprintBytes('"string"');
  const body = Buffer.from([0x06, 0x61, 0x62, 0x63]); // Avro string "abc"

  it('frames magic, little-endian fingerprint and body byte for byte', () => {
    const framed = frameSingleObject(singleObjectHeader(fingerprint), body);
    // "string" fingerprint -8142146995180207161 = 0x8f014872634503c7, written little-endian.
    expect(framed.toString('hex')).toBe('c301' + 'c70345637248018f' + '06616263');
  });

  it('parses what it frames', () => {
    const parts = parseSingleObject(frameSingleObject(singleObjectHeader(fingerprint), body));
    expect(parts.fingerprint.equals(fingerprint)).toBe(true);
    expect(parts.body.equals(body)).toBe(true);
  });

  it('accepts a plain Uint8Array', () => {
    const framed = frameSingleObject(singleObjectHeader(fingerprint), body);
    const copy = new Uint8Array(framed);
    expect(parseSingleObject(copy).body.equals(body)).toBe(true);
  });

  it.each([
    ['empty', Buffer.alloc(0), 'bad_magic'],
    ['JSON', Buffer.from('{"type":"track"}'), 'bad_magic'],
    ['wrong second magic byte', Buffer.from([0xc3, 0x02, 0, 0, 0, 0, 0, 0, 0, 0]), 'bad_magic'],
    ['short fingerprint', Buffer.from([0xc3, 0x01, 1, 2, 3]), 'truncated'],
  ])('rejects %s with a typed error', (_name, bytes, code) => {
    expect(() => parseSingleObject(bytes, 'cdp.events.raw')).toThrow(ContractDecodeError);
    try {
      parseSingleObject(bytes, 'cdp.events.raw');
    } catch (error) {
      expect((error as ContractDecodeError).code).toBe(code);
      expect((error as ContractDecodeError).topic).toBe('cdp.events.raw');
    }
  });
});
