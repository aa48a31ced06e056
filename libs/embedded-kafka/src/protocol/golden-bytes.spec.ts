import { decodeRequest, encodeRequest } from './request-codec';
import { decodeResponse, encodeResponse } from './response-codec';
import { kafkajsProtocol, kafkajsRequestFrame } from '../test-support/kafkajs-internals';

/** Frames written out by hand from Kafka's protocol spec, independent of our tables. */
const hex = (...parts: string[]) => Buffer.from(parts.join('').replace(/\s+/g, ''), 'hex');
const ascii = (s: string) => Buffer.from(s, 'utf8').toString('hex');
const framed = (body: Buffer) => Buffer.concat([hex((body.length >>> 0).toString(16).padStart(8, '0')), body]);

describe('golden request bytes', () => {
  it('ApiVersions v3 as the Java client sends it (header v2, compact strings)', () => {
    const frame = framed(
      hex(
        '0012 0003 00000001', // api key 18, version 3, correlation id 1
        '000d',
        ascii('adminclient-1'), // client id stays a classic int16-length string
        '00', // header tagged fields
        '12',
        ascii('apache-kafka-java'), // compact string: length + 1
        '06',
        ascii('3.9.0'),
        '00', // body tagged fields
      ),
    );
    const { header, body } = decodeRequest(frame.subarray(4));
    expect(header).toEqual({ apiKey: 18, apiVersion: 3, correlationId: 1, clientId: 'adminclient-1' });
    expect(body).toEqual({ clientSoftwareName: 'apache-kafka-java', clientSoftwareVersion: '3.9.0' });
    expect(encodeRequest(header, body).equals(frame)).toBe(true);
  });

  it('Metadata v1 as kafkajs sends it', async () => {
    const expected = framed(hex('0003 0001 00000007', '0007', ascii('kafkajs'), '00000001', '0001', ascii('t')));
    const { request } = kafkajsProtocol('metadata', 1, { topics: ['t'] });
    const kafkajsFrame = await kafkajsRequestFrame(request, 7, 'kafkajs');
    expect(kafkajsFrame.toString('hex')).toBe(expected.toString('hex'));
    const { body } = decodeRequest(expected.subarray(4));
    expect(body).toEqual({
      topics: [{ name: 't', topicId: Buffer.alloc(16) }],
      allowAutoTopicCreation: true,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
  });

  it('Metadata v1 with a null topic array means all topics', () => {
    const { body } = decodeRequest(hex('0003 0001 00000007 ffff ffffffff'));
    expect(body.topics).toBeNull();
  });

  it('Fetch v12 with the ClusterId tagged field and an empty rack id', () => {
    const frame = framed(
      hex(
        '0001 000c 0000002a 0004',
        ascii('java'),
        '00',
        'ffffffff 000001f4 00000001 03200000 00 00000000 ffffffff', // replica, wait, min, max, isolation, session, epoch
        '02 02',
        ascii('t'), // one topic "t"
        '02 00000000 ffffffff 000000000000000a ffffffff ffffffffffffffff 00100000 00', // one partition
        '00', // topic tagged fields
        '01', // no forgotten topics
        '01', // rack id ""
        '01 00 03 03',
        ascii('id'), // tagged: tag 0 (ClusterId), 3 bytes, compact string "id"
      ),
    );
    const { header, body } = decodeRequest(frame.subarray(4));
    expect(header.clientId).toBe('java');
    expect(body.clusterId).toBe('id');
    expect(body.replicaState).toEqual({ replicaId: -1, replicaEpoch: -1n });
    expect(body.topics[0].partitions[0]).toMatchObject({ partition: 0, fetchOffset: 10n, partitionMaxBytes: 1048576 });
    expect(body.rackId).toBe('');
    expect(encodeRequest(header, body).equals(frame)).toBe(true);
  });
});

describe('golden response bytes', () => {
  const apiVersionsBody = {
    errorCode: 0,
    apiKeys: [
      { apiKey: 0, minVersion: 3, maxVersion: 11 },
      { apiKey: 18, minVersion: 0, maxVersion: 4 },
    ],
    throttleTimeMs: 0,
  };

  it('ApiVersions v3 uses response header v0 (no header tag buffer, KIP-511)', () => {
    const expected = framed(hex('00000001', '0000', '03', '0000 0003 000b 00', '0012 0000 0004 00', '00000000', '00'));
    const frame = encodeResponse({ apiKey: 18, apiVersion: 3, correlationId: 1, clientId: null }, apiVersionsBody);
    expect(frame.toString('hex')).toBe(expected.toString('hex'));
  });

  it('ApiVersions v3 writes SupportedFeatures as tagged field 0 only when set', () => {
    const features = [{ name: 'metadata.version', minVersion: 1, maxVersion: 21 }];
    const frame = encodeResponse(
      { apiKey: 18, apiVersion: 3, correlationId: 1, clientId: null },
      { ...apiVersionsBody, supportedFeatures: features },
    );
    const tail = hex('00000000', '01 00 17', '02 11', ascii('metadata.version'), '0001 0015 00');
    expect(frame.subarray(frame.length - tail.length).toString('hex')).toBe(tail.toString('hex'));
    expect(decodeResponse(18, 3, frame.subarray(4)).body.supportedFeatures).toEqual(features);
  });

  it('ApiVersions v0 is the answer to an unknown ApiVersions version: error code, keys, nothing more', () => {
    const frame = encodeResponse({ apiKey: 18, apiVersion: 0, correlationId: 3, clientId: null }, { ...apiVersionsBody, errorCode: 35 });
    expect(frame.toString('hex')).toBe(framed(hex('00000003 0023 00000002 0000 0003 000b 0012 0000 0004')).toString('hex'));
  });

  it('Metadata v12 (response header v1, compact everything, topic id)', () => {
    const body = {
      throttleTimeMs: 0,
      brokers: [{ nodeId: 1, host: 'h', port: 9092, rack: null }],
      clusterId: 'c',
      controllerId: 1,
      topics: [
        {
          errorCode: 0,
          name: 't',
          topicId: Buffer.alloc(16, 0xab),
          isInternal: false,
          partitions: [
            { errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] },
          ],
          topicAuthorizedOperations: -2147483648,
        },
      ],
    };
    const expected = framed(
      hex(
        '00000005 00', // correlation id, header tagged fields
        '00000000', // throttle
        '02 00000001 02',
        ascii('h'),
        '00002384 00 00', // one broker: id, host, port, null rack, tags
        '02',
        ascii('c'), // cluster id
        '00000001', // controller id
        '02 0000 02',
        ascii('t'),
        'ab'.repeat(16),
        '00', // topic: error, name, id, internal
        '02 0000 00000000 00000001 00000000 02 00000001 02 00000001 01 00', // one partition
        '80000000 00', // authorized operations, topic tags
        '00', // body tags
      ),
    );
    const frame = encodeResponse({ apiKey: 3, apiVersion: 12, correlationId: 5, clientId: null }, body);
    expect(frame.toString('hex')).toBe(expected.toString('hex'));
    expect(decodeResponse(3, 12, frame.subarray(4)).body).toEqual({ ...body, clusterAuthorizedOperations: -2147483648 });
  });

  it('Produce v10 carries CurrentLeader and NodeEndpoints as tagged fields', () => {
    const body = {
      responses: [
        {
          name: 't',
          partitionResponses: [
            {
              index: 0,
              errorCode: 6,
              baseOffset: -1n,
              logAppendTimeMs: -1n,
              logStartOffset: -1n,
              recordErrors: [],
              errorMessage: null,
              currentLeader: { leaderId: 2, leaderEpoch: 7 },
            },
          ],
        },
      ],
      throttleTimeMs: 0,
      nodeEndpoints: [{ nodeId: 2, host: 'b2', port: 9093, rack: null }],
    };
    const expected = framed(
      hex(
        '00000009 00',
        '02 02',
        ascii('t'),
        '02 00000000 0006',
        'ff'.repeat(24),
        '01 00', // index, error, 3 x int64 -1, no record errors, null message
        '01 00 09 00000002 00000007 00', // tagged CurrentLeader (tag 0, 9 bytes)
        '00', // topic tags
        '00000000',
        '01 00 0e 02 00000002 03',
        ascii('b2'),
        '00002385 00 00', // tagged NodeEndpoints (tag 0, 14 bytes)
      ),
    );
    const frame = encodeResponse({ apiKey: 0, apiVersion: 10, correlationId: 9, clientId: null }, body);
    expect(frame.toString('hex')).toBe(expected.toString('hex'));
    expect(decodeResponse(0, 10, frame.subarray(4)).body).toEqual(body);
  });
});
