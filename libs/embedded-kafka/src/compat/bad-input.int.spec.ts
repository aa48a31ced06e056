import { ApiKey, decodeResponse, encodeRequest, ErrorCode } from '../protocol';
import { buildBatch, makeRecords } from '../test-support/kafkajs-batch-builder';
import { RawKafkaClient, startCompatBroker, type CompatBroker } from '../test-support/compat-fixture';

/** Bad frames and bad batches hurt only the connection that sent them; everyone else keeps being served. */
describe('bad input', () => {
  let fixture: CompatBroker;

  beforeAll(async () => {
    fixture = await startCompatBroker({ maxRequestBytes: 1024 * 1024 });
  });

  afterAll(() => fixture.stop());

  async function healthyClientStillWorks(): Promise<void> {
    const producer = fixture.kafka('healthy').producer();
    await producer.connect();
    const [sent] = await producer.send({ topic: 'healthy', messages: [{ value: 'still here' }] });
    expect(sent.errorCode).toBe(0);
    await producer.disconnect();
  }

  function produceBody(topic: string, records: Buffer) {
    return { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] };
  }

  it('closes a connection whose frame is larger than socket.request.max.bytes', async () => {
    const bystander = await RawKafkaClient.connect(fixture.bootstrap);
    const offender = await RawKafkaClient.connect(fixture.bootstrap);
    const header = Buffer.alloc(4);
    header.writeInt32BE(2 * 1024 * 1024);
    offender.write(header);
    await offender.closed;
    const versions = await bystander.request(ApiKey.ApiVersions, 0, {});
    expect(versions.errorCode).toBe(ErrorCode.NONE);
    bystander.close();
    await healthyClientStillWorks();
  });

  it('closes a connection that sends a malformed request', async () => {
    const offender = await RawKafkaClient.connect(fixture.bootstrap);
    // Metadata v1 whose client id claims 0x7fff bytes in a 12-byte frame.
    const garbage = Buffer.from([0, 0, 0, 12, 0, 3, 0, 1, 0, 0, 0, 7, 0x7f, 0xff, 1, 2]);
    offender.write(garbage);
    await offender.closed;
    await healthyClientStillWorks();
  });

  it('answers an unknown ApiVersions version with v0, UNSUPPORTED_VERSION and the supported table', async () => {
    const client = await RawKafkaClient.connect(fixture.bootstrap);
    const frame = Buffer.alloc(4 + 10);
    frame.writeInt32BE(10, 0);
    frame.writeInt16BE(ApiKey.ApiVersions, 4);
    frame.writeInt16BE(99, 6);
    frame.writeInt32BE(42, 8);
    frame.writeInt16BE(-1, 12); // null client id
    const response = client.nextFrame();
    client.write(frame);
    const decoded = decodeResponse(ApiKey.ApiVersions, 0, await response);
    expect(decoded.header.correlationId).toBe(42);
    expect(decoded.body.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(decoded.body.apiKeys.map((k: { apiKey: number }) => k.apiKey)).toEqual(expect.arrayContaining([ApiKey.Produce, ApiKey.Fetch]));
    client.close();
  });

  it('closes connections asking for other unsupported api versions or keys, as Kafka does', async () => {
    const client = await RawKafkaClient.connect(fixture.bootstrap);
    const frame = (apiKey: number, apiVersion: number) => {
      const f = Buffer.alloc(14);
      f.writeInt32BE(10, 0);
      f.writeInt16BE(apiKey, 4);
      f.writeInt16BE(apiVersion, 6);
      f.writeInt32BE(7, 8);
      f.writeInt16BE(-1, 12);
      return f;
    };
    client.write(frame(ApiKey.Produce, 2)); // record batch v2 only: legacy message-set produce is not served
    await client.closed;
    const other = await RawKafkaClient.connect(fixture.bootstrap);
    other.write(frame(9999, 0));
    await other.closed;
    await healthyClientStillWorks();
  });

  it('rejects a batch with a bad CRC with CORRUPT_MESSAGE', async () => {
    const client = await RawKafkaClient.connect(fixture.bootstrap);
    const batch = await buildBatch({ records: makeRecords(3) });
    batch[batch.length - 1] ^= 0xff;
    const response = await client.request(ApiKey.Produce, 3, produceBody('crc', batch));
    expect(response.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    client.close();
  });

  it('sends nothing back for acks=0, and closes the connection when an acks=0 produce fails', async () => {
    const client = await RawKafkaClient.connect(fixture.bootstrap);
    const ok = await buildBatch({ records: makeRecords(2) });
    client.write(
      encodeRequest(
        { apiKey: ApiKey.Produce, apiVersion: 7, correlationId: 500, clientId: 'acks0' },
        { ...produceBody('acks0', ok), acks: 0 },
      ),
    );
    const versions = await client.request(ApiKey.ApiVersions, 0, {}); // the next frame answers this, not the produce
    expect(versions.errorCode).toBe(ErrorCode.NONE);
    const corrupt = await buildBatch({ records: makeRecords(2) });
    corrupt[corrupt.length - 1] ^= 0xff;
    client.write(
      encodeRequest(
        { apiKey: ApiKey.Produce, apiVersion: 7, correlationId: 501, clientId: 'acks0' },
        { ...produceBody('acks0', corrupt), acks: 0 },
      ),
    );
    await client.closed;
  });

  it('appends a replayed idempotent batch only once', async () => {
    const client = await RawKafkaClient.connect(fixture.bootstrap);
    const init = await client.request(ApiKey.InitProducerId, 1, { transactionalId: null, transactionTimeoutMs: 60000 });
    expect(init.errorCode).toBe(ErrorCode.NONE);
    const batch = await buildBatch({
      records: makeRecords(4),
      producerId: init.producerId,
      producerEpoch: init.producerEpoch,
      firstSequence: 0,
    });
    const first = await client.request(ApiKey.Produce, 7, produceBody('dedup', Buffer.from(batch)));
    const replay = await client.request(ApiKey.Produce, 7, produceBody('dedup', Buffer.from(batch)));
    expect(first.responses[0].partitionResponses[0]).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 0n });
    expect(replay.responses[0].partitionResponses[0]).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 0n });
    const offsets = await client.request(ApiKey.ListOffsets, 1, {
      replicaId: -1,
      topics: [{ name: 'dedup', partitions: [{ partitionIndex: 0, timestamp: -1n }] }],
    });
    expect(offsets.topics[0].partitions[0].offset).toBe(4n);
    client.close();
  });

  it('refuses transactions with the errors Kafka gives when no transaction coordinator is available', async () => {
    const client = await RawKafkaClient.connect(fixture.bootstrap);
    const init = await client.request(ApiKey.InitProducerId, 1, { transactionalId: 'tx-1', transactionTimeoutMs: 60000 });
    expect(init.errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    const found = await client.request(ApiKey.FindCoordinator, 1, { key: 'tx-1', keyType: 1 });
    expect(found.errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    client.close();
  });
});
