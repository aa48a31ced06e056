import { ApiKey, ErrorCode } from '../protocol';
import { buildBatch, makeRecords } from '../test-support/kafkajs-batch-builder';
import { RawKafkaClient, startCompatBroker, type CompatBroker } from '../test-support/compat-fixture';

/**
 * What a Kafka 3.x/4.x client does, at the flexible versions (KIP-482) such clients negotiate: neither kafkajs nor
 * Debian's librdkafka use most of them, so this drives a whole produce / group / consume cycle through them.
 */
describe('flexible (KIP-482) versions, as modern clients use them', () => {
  let fixture: CompatBroker;
  let client: RawKafkaClient;

  beforeAll(async () => {
    fixture = await startCompatBroker({ groupInitialRebalanceDelayMs: 0 });
    client = await RawKafkaClient.connect(fixture.bootstrap);
  });

  afterAll(async () => {
    client.close();
    await fixture.stop();
  });

  it('ApiVersions v3 lists every served API', async () => {
    const response = await client.request(ApiKey.ApiVersions, 3, {
      clientSoftwareName: 'apache-kafka-java',
      clientSoftwareVersion: '3.9.0',
    });
    expect(response.errorCode).toBe(ErrorCode.NONE);
    expect(response.apiKeys).toHaveLength(18);
  });

  it('creates a topic, produces, lists offsets and fetches by topic id', async () => {
    const created = await client.request(ApiKey.CreateTopics, 7, {
      topics: [
        { name: 'modern', numPartitions: 2, replicationFactor: -1, assignments: [], configs: [{ name: 'retention.ms', value: '3600000' }] },
      ],
      timeoutMs: 5000,
      validateOnly: false,
    });
    const topicResult = created.topics[0];
    expect(topicResult).toMatchObject({ errorCode: 0, numPartitions: 2, replicationFactor: 1 });
    expect(topicResult.configs.find((c: { name: string }) => c.name === 'retention.ms')).toMatchObject({
      value: '3600000',
      configSource: 1,
    });

    const metadata = await client.request(ApiKey.Metadata, 12, {
      topics: [{ topicId: topicResult.topicId, name: null }],
      allowAutoTopicCreation: false,
      includeTopicAuthorizedOperations: false,
    });
    expect(metadata).toMatchObject({ controllerId: 1, clusterId: fixture.broker.clusterId });
    expect(metadata.topics[0]).toMatchObject({ errorCode: 0, name: 'modern' });
    expect(metadata.topics[0].topicId.equals(topicResult.topicId)).toBe(true);

    const init = await client.request(ApiKey.InitProducerId, 4, {
      transactionalId: null,
      transactionTimeoutMs: 60000,
      producerId: -1n,
      producerEpoch: -1,
    });
    const records = await buildBatch({ records: makeRecords(5), producerId: init.producerId, producerEpoch: init.producerEpoch });
    const produced = await client.request(ApiKey.Produce, 9, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 5000,
      topicData: [{ name: 'modern', partitionData: [{ index: 1, records }] }],
    });
    expect(produced.responses[0].partitionResponses[0]).toMatchObject({ index: 1, errorCode: 0, baseOffset: 0n, logStartOffset: 0n });

    const offsets = await client.request(ApiKey.ListOffsets, 7, {
      replicaId: -1,
      isolationLevel: 1,
      topics: [{ name: 'modern', partitions: [{ partitionIndex: 1, currentLeaderEpoch: -1, timestamp: -1n }] }],
    });
    expect(offsets.topics[0].partitions[0]).toMatchObject({ errorCode: 0, offset: 5n, leaderEpoch: 0 });

    const fetched = await client.request(ApiKey.Fetch, 13, {
      replicaId: -1,
      maxWaitMs: 100,
      minBytes: 1,
      maxBytes: 1 << 20,
      isolationLevel: 1,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        {
          topicId: topicResult.topicId,
          partitions: [
            {
              partition: 1,
              currentLeaderEpoch: -1,
              fetchOffset: 0n,
              lastFetchedEpoch: -1,
              logStartOffset: -1n,
              partitionMaxBytes: 1 << 20,
            },
          ],
        },
      ],
      forgottenTopicsData: [],
      rackId: '',
    });
    expect(fetched.errorCode).toBe(0);
    expect(fetched.responses[0].topicId.equals(topicResult.topicId)).toBe(true);
    expect(fetched.responses[0].partitions[0]).toMatchObject({ errorCode: 0, highWatermark: 5n, lastStableOffset: 5n });
    expect(fetched.responses[0].partitions[0].records.length).toBe(records.length);

    const configs = await client.request(ApiKey.DescribeConfigs, 4, {
      resources: [
        { resourceType: 2, resourceName: 'modern', configurationKeys: null },
        { resourceType: 4, resourceName: '1', configurationKeys: ['num.partitions'] },
      ],
      includeSynonyms: false,
      includeDocumentation: false,
    });
    expect(configs.results.map((r: { errorCode: number }) => r.errorCode)).toEqual([0, 0]);
    expect(configs.results[1].configs).toEqual([expect.objectContaining({ name: 'num.partitions', value: '1' })]);
  });

  it('runs a group through JoinGroup v9, SyncGroup v5, Heartbeat v4, OffsetCommit v8, OffsetFetch v8, LeaveGroup v5', async () => {
    const coordinator = await client.request(ApiKey.FindCoordinator, 4, { keyType: 0, coordinatorKeys: ['modern-group'] });
    expect(coordinator.coordinators[0]).toMatchObject({ key: 'modern-group', nodeId: 1, port: fixture.broker.port, errorCode: 0 });

    const join = {
      groupId: 'modern-group',
      sessionTimeoutMs: 10000,
      rebalanceTimeoutMs: 10000,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.from([0, 1]) }],
      reason: null,
    };
    const first = await client.request(ApiKey.JoinGroup, 9, { ...join, memberId: '' });
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    const joined = await client.request(ApiKey.JoinGroup, 9, { ...join, memberId: first.memberId });
    expect(joined).toMatchObject({
      errorCode: 0,
      generationId: 1,
      protocolType: 'consumer',
      protocolName: 'range',
      leader: first.memberId,
    });
    const member = { groupId: 'modern-group', generationId: 1, memberId: first.memberId, groupInstanceId: null };
    const synced = await client.request(ApiKey.SyncGroup, 5, {
      ...member,
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: [{ memberId: first.memberId, assignment: Buffer.from([9]) }],
    });
    expect(synced).toMatchObject({ errorCode: 0, protocolName: 'range' });
    expect(synced.assignment).toEqual(Buffer.from([9]));
    expect((await client.request(ApiKey.Heartbeat, 4, member)).errorCode).toBe(0);

    const commit = await client.request(ApiKey.OffsetCommit, 8, {
      groupId: 'modern-group',
      generationIdOrMemberEpoch: 1,
      memberId: first.memberId,
      groupInstanceId: null,
      topics: [
        { name: 'modern', partitions: [{ partitionIndex: 1, committedOffset: 3n, committedLeaderEpoch: 0, committedMetadata: 'm' }] },
      ],
    });
    expect(commit.topics[0].partitions[0].errorCode).toBe(0);
    const fetchedOffsets = await client.request(ApiKey.OffsetFetch, 8, {
      groups: [
        { groupId: 'modern-group', topics: [{ name: 'modern', partitionIndexes: [0, 1] }] },
        { groupId: 'other', topics: null },
      ],
      requireStable: true,
    });
    expect(fetchedOffsets.groups[0].topics[0].partitions).toEqual([
      expect.objectContaining({ partitionIndex: 0, committedOffset: -1n }),
      expect.objectContaining({ partitionIndex: 1, committedOffset: 3n, committedLeaderEpoch: 0, metadata: 'm' }),
    ]);
    expect(fetchedOffsets.groups[1]).toMatchObject({ groupId: 'other', errorCode: 0, topics: [] });

    const described = await client.request(ApiKey.DescribeGroups, 5, { groups: ['modern-group'], includeAuthorizedOperations: false });
    expect(described.groups[0]).toMatchObject({ groupState: 'Stable', protocolData: 'range' });
    const listed = await client.request(ApiKey.ListGroups, 5, { statesFilter: ['Stable'], typesFilter: [] });
    expect(listed.groups).toEqual([expect.objectContaining({ groupId: 'modern-group', groupState: 'Stable' })]);

    const left = await client.request(ApiKey.LeaveGroup, 5, {
      groupId: 'modern-group',
      members: [{ memberId: first.memberId, groupInstanceId: null, reason: 'done' }],
    });
    expect(left).toMatchObject({ errorCode: 0, members: [expect.objectContaining({ memberId: first.memberId, errorCode: 0 })] });
  });

  it('CreateTopics: validateOnly creates nothing; bad partition counts and replication factors are refused', async () => {
    const create = (name: string, numPartitions: number, replicationFactor: number, validateOnly: boolean) =>
      client.request(ApiKey.CreateTopics, 7, {
        topics: [{ name, numPartitions, replicationFactor, assignments: [], configs: [] }],
        timeoutMs: 5000,
        validateOnly,
      });
    expect((await create('dry-run', 4, 1, true)).topics[0]).toMatchObject({ errorCode: 0, numPartitions: 4 });
    const metadata = await client.request(ApiKey.Metadata, 12, {
      topics: [{ topicId: Buffer.alloc(16), name: 'dry-run' }],
      allowAutoTopicCreation: false,
      includeTopicAuthorizedOperations: false,
    });
    expect(metadata.topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect((await create('zero', 0, 1, false)).topics[0].errorCode).toBe(ErrorCode.INVALID_PARTITIONS);
    expect((await create('replicated', 1, 3, false)).topics[0].errorCode).toBe(ErrorCode.INVALID_REPLICATION_FACTOR);
    expect((await create('bad name!', 1, 1, false)).topics[0].errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
  });

  it('deletes a topic by id (DeleteTopics v6)', async () => {
    const metadata = await client.request(ApiKey.Metadata, 12, {
      topics: [{ topicId: Buffer.alloc(16), name: 'modern' }],
      allowAutoTopicCreation: false,
      includeTopicAuthorizedOperations: false,
    });
    const topicId: Buffer = metadata.topics[0].topicId;
    const deleted = await client.request(ApiKey.DeleteTopics, 6, { topics: [{ name: null, topicId }], timeoutMs: 5000 });
    expect(deleted.responses[0]).toMatchObject({ name: 'modern', errorCode: 0 });
    const again = await client.request(ApiKey.DeleteTopics, 6, { topics: [{ name: null, topicId }], timeoutMs: 5000 });
    expect(again.responses[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_ID);
  });
});
