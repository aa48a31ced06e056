import { decode, encode, contractRegistry, tryDecode } from './codec';
import { CONTRACT_SAMPLES } from './test-support/contract-samples.fixture';
import { ContractDecodeError } from './errors/contract-decode.error';
import { ContractEncodeError } from './errors/contract-encode.error';
import { CONTRACT_TOPIC_NAMES, type ContractTopic } from './generated';
import { contractHeaders } from './headers';

function decodeError(run: () => unknown): ContractDecodeError {
  try {
    run();
  } catch (error) {
    if (error instanceof ContractDecodeError) return error;
    throw error;
  }
  throw new Error('expected a ContractDecodeError');
}

describe('encode / decode', () => {
  it.each(CONTRACT_TOPIC_NAMES.map((t) => [t]))('round-trips a sample of %s', (topic: ContractTopic) => {
    const bytes = encode(topic, CONTRACT_SAMPLES[topic] as never);
    expect(bytes.subarray(0, 2).toString('hex')).toBe('c301');
    expect(bytes.subarray(2, 10).equals(contractRegistry.latest(topic).fingerprint)).toBe(true);
    const decoded = decode(topic, bytes);
    expect(decoded).toMatchObject(CONTRACT_SAMPLES[topic] as object);
    // Decoding the re-encoded value is stable byte for byte.
    expect(encode(topic, decoded as never).equals(bytes)).toBe(true);
  });

  it('fills omitted fields from their schema defaults', () => {
    const value = decode('cdp.events.raw', encode('cdp.events.raw', { messageId: 'm', sourceId: 's', receivedAt: 1, type: 'page' }));
    expect(value.userId).toBeNull();
    expect(value.properties).toBeNull();
  });

  it('reads a payload written with an older version into the newest one', () => {
    const v1Bytes = contractRegistry.encode(
      'cdp.activation.deliveries',
      {
        deliveryId: 'd',
        destinationId: 'x',
        segmentId: 's',
        profileId: 'p',
        change: 'exited',
        status: 'failed',
        attempt: 3,
        error: 'HTTP 500',
        at: 5,
      },
      1,
    );
    expect(v1Bytes.subarray(2, 10).equals(contractRegistry.versions('cdp.activation.deliveries')[0].fingerprint)).toBe(true);
    const value = decode('cdp.activation.deliveries', v1Bytes);
    expect(value).toMatchObject({ status: 'failed', attempt: 3, error: 'HTTP 500', httpStatus: null, durationMs: null });
  });

  it('reads a v1 split into v2 with no movedItems, so the merger falls back to movedMessageIds', () => {
    const v1Bytes = contractRegistry.encode(
      'cdp.identity.merges',
      {
        changeId: 'c',
        kind: 'split',
        survivorProfileId: 'p1',
        absorbedProfileId: 'p2',
        rule: 'manual_split',
        identifiers: [],
        movedMessageIds: ['m-1'],
        at: 5,
      },
      1,
    );
    expect(decode('cdp.identity.merges', v1Bytes)).toMatchObject({ movedMessageIds: ['m-1'], movedItems: [] });
    const v2 = decode(
      'cdp.identity.merges',
      encode('cdp.identity.merges', {
        changeId: 'c',
        kind: 'split',
        survivorProfileId: 'p1',
        absorbedProfileId: 'p2',
        rule: 'manual_split',
        identifiers: [],
        movedMessageIds: ['m-1'],
        movedItems: [{ sourceId: 'src-a', messageId: 'm-1' }],
        at: 5,
      }),
    );
    expect(v2.movedItems).toEqual([{ sourceId: 'src-a', messageId: 'm-1' }]);
  });

  it('encodes values larger than its scratch buffer, and keeps encoding small ones after', () => {
    const properties = JSON.stringify({ blob: 'x'.repeat(300_000) });
    const big = decode('cdp.events.raw', encode('cdp.events.raw', { ...CONTRACT_SAMPLES['cdp.events.raw'], properties }));
    expect(big.properties).toBe(properties);
    const first = encode('cdp.events.raw', CONTRACT_SAMPLES['cdp.events.raw']);
    const second = encode('cdp.events.raw', CONTRACT_SAMPLES['cdp.events.raw']);
    expect(first.equals(second)).toBe(true);
    expect(first.buffer === second.buffer && first.byteOffset === second.byteOffset).toBe(false);
  });

  it('rejects a value that does not match the schema with the offending paths', () => {
    const bad = {
      ...CONTRACT_SAMPLES['cdp.events.rejected'],
      original: { ...CONTRACT_SAMPLES['cdp.events.rejected'].original, partition: 'four' },
    };
    expect(() => encode('cdp.events.rejected', bad as never)).toThrow(ContractEncodeError);
    try {
      encode('cdp.events.rejected', bad as never);
    } catch (error) {
      expect((error as ContractEncodeError).paths).toEqual(['original.partition']);
    }
  });

  it('refuses bytes that are not single-object encoded', () => {
    expect(decodeError(() => decode('cdp.events.raw', Buffer.from('{"type":"track"}'))).code).toBe('bad_magic');
  });

  it('refuses an unknown writer fingerprint, naming it', () => {
    const bytes = encode('cdp.events.raw', CONTRACT_SAMPLES['cdp.events.raw']);
    bytes[5] ^= 0xff;
    const error = decodeError(() => decode('cdp.events.raw', bytes));
    expect(error.code).toBe('unknown_fingerprint');
    expect(error.fingerprint).toBe(bytes.subarray(2, 10).toString('hex'));
  });

  it('refuses a payload of another topic and says which one it is', () => {
    const bytes = encode('cdp.records.raw', CONTRACT_SAMPLES['cdp.records.raw']);
    const error = decodeError(() => decode('cdp.events.raw', bytes));
    expect(error.code).toBe('unknown_fingerprint');
    expect(error.message).toContain('cdp.records.raw v2');
  });

  it.each([
    ['truncated', (b: Buffer) => b.subarray(0, b.length - 3)],
    ['followed by trailing bytes', (b: Buffer) => Buffer.concat([b, Buffer.from([0, 1])])],
  ])('refuses a body that is %s', (_name, damage) => {
    const bytes = damage(encode('cdp.events.valid', CONTRACT_SAMPLES['cdp.events.valid']));
    expect(decodeError(() => decode('cdp.events.valid', bytes)).code).toBe('malformed_body');
  });

  it('refuses a topic without a contract', () => {
    expect(decodeError(() => contractRegistry.decode('cdp.nope', Buffer.from([0xc3, 1]))).code).toBe('unknown_topic');
  });

  it('tryDecode returns the error instead of throwing', () => {
    const good = tryDecode('cdp.events.raw', encode('cdp.events.raw', CONTRACT_SAMPLES['cdp.events.raw']));
    expect(good.ok && good.value.messageId).toBe('msg-1');
    const bad = tryDecode('cdp.events.raw', Buffer.alloc(3));
    expect(!bad.ok && bad.error.code).toBe('bad_magic');
  });

  it('describes the writer schema in informational headers', () => {
    expect(contractHeaders('cdp.activation.deliveries')).toEqual({
      'content-type': 'application/avro; encoding=single-object',
      'tessera-schema': 'cdp.activation.deliveries/v2',
    });
  });
});
