import { MalformedRequestError } from './malformed-request.error';
import { decodeRequest, encodeRequest } from './request-codec';
import { UnsupportedVersionError } from './unsupported-version.error';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

function decodeError(frame: Buffer): unknown {
  try {
    decodeRequest(frame);
  } catch (error) {
    return error;
  }
  throw new Error('expected decodeRequest to throw');
}

describe('UnsupportedVersionError', () => {
  it.each([
    ['an unknown api key', 999, 0],
    ['Produce below v3 (no legacy message sets)', 0, 2],
    ['Fetch below v4', 1, 3],
    ['Fetch above the newest version', 1, 18],
    ['ApiVersions from a newer client (KIP-511)', 18, 9],
    ['a negative version', 3, -1],
  ])('for %s, carrying the header fields', (_what, apiKey, apiVersion) => {
    const frame = Buffer.concat([
      hex('0000 0000 0000002a 0003'),
      Buffer.from('cli'),
      hex('00 ffff'), // whatever follows is never parsed
    ]);
    frame.writeInt16BE(apiKey, 0);
    frame.writeInt16BE(apiVersion, 2);
    const error = decodeError(frame);
    expect(error).toBeInstanceOf(UnsupportedVersionError);
    expect((error as UnsupportedVersionError).header).toEqual({ apiKey, apiVersion, correlationId: 42, clientId: 'cli' });
  });

  it('still reports the correlation id when the client id is cut short', () => {
    const error = decodeError(hex('03e7 0000 00000007 0005 61'));
    expect((error as UnsupportedVersionError).header).toEqual({ apiKey: 999, apiVersion: 0, correlationId: 7, clientId: null });
  });
});

describe('MalformedRequestError', () => {
  const samples: Array<[string, Buffer]> = [
    [
      'Produce v9',
      encodeRequest(
        { apiKey: 0, apiVersion: 9, correlationId: 1, clientId: 'p' },
        {
          transactionalId: null,
          acks: -1,
          timeoutMs: 1000,
          topicData: [{ name: 't', partitionData: [{ index: 0, records: Buffer.alloc(70, 1) }] }],
        },
      ),
    ],
    ['Metadata v1', encodeRequest({ apiKey: 3, apiVersion: 1, correlationId: 1, clientId: 'k' }, { topics: [{ name: 'topic' }] })],
    [
      'JoinGroup v5',
      encodeRequest(
        { apiKey: 11, apiVersion: 5, correlationId: 1, clientId: null },
        {
          groupId: 'g',
          sessionTimeoutMs: 1,
          memberId: '',
          protocolType: 'consumer',
          protocols: [{ name: 'rr', metadata: Buffer.from('m') }],
        },
      ),
    ],
  ];

  it.each(samples)('for every truncation of a %s request', (_name, frame) => {
    const payload = frame.subarray(4);
    for (let cut = 0; cut < payload.length; cut++) {
      expect(decodeError(payload.subarray(0, cut))).toBeInstanceOf(MalformedRequestError);
    }
  });

  it.each([
    ['a string length running past the frame', '0003 0001 00000001 ffff 00000001 7fff 6161'],
    ['an array count larger than the frame', '0003 0001 00000001 ffff 7fffffff 0001 61'],
    ['a negative length for a non-nullable string', '000c 0003 00000001 ffff ffff 00000001 0000 ffff'],
    ['a null array where it is not nullable (Metadata v0)', '0003 0000 00000001 ffff ffffffff'],
    ['bytes longer than the frame', '000e 0003 00000001 ffff 0001 67 00000001 0001 6d ffff 00000001 0001 6d 00001000 00'],
    ['a compact string running past the frame (ApiVersions v3)', '0012 0003 00000001 ffff 00 7f 61'],
    ['a tagged field running past the frame', '0012 0003 00000001 ffff 00 02 61 02 62 01 05 40 00'],
    [
      'a known tagged field whose size disagrees with its value',
      '0001 000c 00000001 ffff 00 ffffffff 00000000 00000000 00000000 00 00000000 ffffffff 01 01 01 01 00 04 02 61 00 00',
    ],
    ['a varint longer than five bytes', '0012 0003 00000001 ffff 00 ff ff ff ff ff ff 01'],
  ])('for %s', (_what, bytes) => {
    expect(decodeError(hex(bytes))).toBeInstanceOf(MalformedRequestError);
  });

  it('ignores trailing bytes after a complete body, as Kafka does', () => {
    const frame = encodeRequest(
      { apiKey: 12, apiVersion: 0, correlationId: 1, clientId: 'c' },
      { groupId: 'g', generationId: 1, memberId: 'm' },
    );
    const { body } = decodeRequest(Buffer.concat([frame.subarray(4), hex('dead')]));
    expect(body).toEqual({ groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null });
  });
});
