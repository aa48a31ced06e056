import { decodeRequest, encodeRequest, requestHeaderVersion } from './request-codec';
import fixtures from '../test-support/platformatic-request-bodies.json';

/**
 * Request bodies written by @platformatic/kafka 2.12.1, an independent client that implements every flexible
 * version up to Kafka 4 (captured once with its own createRequest functions; the package is ESM-only, so it is
 * not a dependency). 143 API/version pairs, every one we serve except ListOffsets v10.
 */
function frameFor(apiKey: number, version: number, body: Buffer): Buffer {
  const clientId = Buffer.from('platformatic');
  const header = Buffer.alloc(10);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(version, 2);
  header.writeInt32BE(31337, 4);
  header.writeInt16BE(clientId.length, 8);
  const tags = requestHeaderVersion(apiKey, version) === 2 ? Buffer.from([0]) : Buffer.alloc(0);
  return Buffer.concat([header, clientId, tags, body]);
}

describe('request bodies encoded by @platformatic/kafka', () => {
  it.each(fixtures.map((f) => [f.api, f.version, f] as const))('%s v%i decodes and re-encodes byte for byte', (_api, version, f) => {
    const frame = frameFor(f.apiKey, version, Buffer.from(f.hex, 'hex'));
    const { header, body } = decodeRequest(frame);
    expect(header).toEqual({ apiKey: f.apiKey, apiVersion: version, correlationId: 31337, clientId: 'platformatic' });
    expect(encodeRequest(header, body).subarray(4).equals(frame)).toBe(true);
  });
});
