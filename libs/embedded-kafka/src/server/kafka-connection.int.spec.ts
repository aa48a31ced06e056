import { ApiKey, decodeResponse, encodeRequest } from '../protocol';
import { buildBatch, makeRecords } from '../test-support/kafkajs-batch-builder';
import { RawKafkaClient, startCompatBroker, type CompatBroker } from '../test-support/compat-fixture';

/** Pipelined requests on one connection: handled in order, answered in order, produces included. */
describe('KafkaConnection ordering', () => {
  let fixture: CompatBroker;

  beforeAll(async () => {
    fixture = await startCompatBroker({ fsync: 'always' });
  });

  afterAll(() => fixture.stop());

  it('answers pipelined produces (waiting for fsync) and other requests in request order', async () => {
    const client = await RawKafkaClient.connect(fixture.bootstrap);
    const frames: Buffer[] = [];
    for (let i = 0; i < 12; i++) {
      const header = { apiKey: ApiKey.Produce, apiVersion: 7, correlationId: 100 + i, clientId: 'pipeline' };
      const records = await buildBatch({ records: makeRecords(2, `batch-${i}`) });
      frames.push(
        encodeRequest(header, {
          transactionalId: null,
          acks: -1,
          timeoutMs: 5000,
          topicData: [{ name: 'pipelined', partitionData: [{ index: 0, records }] }],
        }),
      );
      if (i === 5) frames.push(encodeRequest({ apiKey: ApiKey.ApiVersions, apiVersion: 0, correlationId: 500, clientId: 'pipeline' }, {}));
    }
    const answers = frames.map(() => client.nextFrame());
    client.write(Buffer.concat(frames));
    const received = await Promise.all(answers);
    const correlationIds = received.map((frame) => frame.readInt32BE(0));
    expect(correlationIds).toEqual([100, 101, 102, 103, 104, 105, 500, 106, 107, 108, 109, 110, 111]);
    const baseOffsets = received
      .filter((frame) => frame.readInt32BE(0) !== 500)
      .map((frame) => decodeResponse(ApiKey.Produce, 7, frame).body.responses[0].partitionResponses[0].baseOffset);
    expect(baseOffsets).toEqual(Array.from({ length: 12 }, (_, i) => BigInt(2 * i)));
    client.close();
  });
});
