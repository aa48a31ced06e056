import { decodeResponse, encodeResponse, encodeResponseChunks } from './response-codec';

/** Handlers build one object shape for every version: the codec drops what a version lacks and fills the rest. */
describe('encodeResponse defaults', () => {
  const header = (apiKey: number, apiVersion: number) => ({ apiKey, apiVersion, correlationId: 1, clientId: null });

  it('ignores fields the version does not have', () => {
    const full = {
      throttleTimeMs: 100,
      responses: [
        {
          name: 't',
          partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 5n, logAppendTimeMs: -1n, logStartOffset: 0n, errorMessage: 'x' }],
        },
      ],
    };
    const v3 = encodeResponse(header(0, 3), full);
    expect(v3.length).toBe(4 + 4 + 4 + 3 + 4 + 4 + 2 + 8 + 8 + 4);
    expect(decodeResponse(0, 3, v3.subarray(4)).body.responses[0].partitionResponses[0]).toMatchObject({
      baseOffset: 5n,
      logStartOffset: -1n,
    });
  });

  it('writes spec defaults for missing fields', () => {
    const frame = encodeResponse(header(0, 8), { responses: [{ name: 't', partitionResponses: [{ index: 1 }] }] });
    const p = decodeResponse(0, 8, frame.subarray(4)).body.responses[0].partitionResponses[0];
    expect(p).toEqual({
      index: 1,
      errorCode: 0,
      baseOffset: 0n,
      logAppendTimeMs: -1n,
      logStartOffset: -1n,
      recordErrors: [],
      errorMessage: null,
      currentLeader: { leaderId: -1, leaderEpoch: -1 },
    });
  });

  it('accepts plain numbers for int64 fields and null for non-nullable ones', () => {
    const frame = encodeResponse(header(22, 4), { errorCode: 0, producerId: 77, producerEpoch: 0, throttleTimeMs: null });
    expect(decodeResponse(22, 4, frame.subarray(4)).body).toEqual({ throttleTimeMs: 0, errorCode: 0, producerId: 77n, producerEpoch: 0 });
  });

  it('writes a zero uuid and the int32 minimum default for authorized operations', () => {
    const frame = encodeResponse(header(3, 10), { topics: [{ name: 't', partitions: [] }] });
    const topic = decodeResponse(3, 10, frame.subarray(4)).body.topics[0];
    expect(topic.topicId).toEqual(Buffer.alloc(16));
    expect(topic.topicAuthorizedOperations).toBe(-2147483648);
  });

  it('writes flexible response headers with a tag buffer, except for ApiVersions', () => {
    const metadata = encodeResponse(header(3, 9), {});
    const apiVersions = encodeResponse(header(18, 3), {});
    expect(metadata.subarray(8, 9).toString('hex')).toBe('00');
    expect(decodeResponse(3, 9, metadata.subarray(4)).body.brokers).toEqual([]);
    // ApiVersions v3 body starts right after the correlation id: error code 0, empty compact array.
    expect(apiVersions.subarray(8, 11).toString('hex')).toBe('000001');
  });

  it('gives the same frame as chunks, with large record sets passed through uncopied', () => {
    const records = Buffer.alloc(64 * 1024, 3);
    const body = { responses: [{ topic: 't', partitions: [{ partitionIndex: 0, highWatermark: 1n, records }] }] };
    const h = header(1, 12);
    const chunks = encodeResponseChunks(h, body);
    expect(chunks).toContain(records);
    expect(Buffer.concat(chunks).equals(encodeResponse(h, body))).toBe(true);
  });
});
