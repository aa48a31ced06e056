import { ApiKey } from './api-keys';
import { apiVersionsResponseBody, supportedVersions } from './api-versions-table';
import type { MessageBody } from './message-body';
import { encodeResponse } from './response-codec';
import { kafkajsProtocol, kafkajsRecordBatch, kafkajsVersions } from '../test-support/kafkajs-internals';

/**
 * Responses we encode, parsed by kafkajs 2.2.4's own decoders for every version kafkajs knows that we serve.
 * kafkajs gets the payload after the correlation id (all these versions use response header v0).
 */
type Case = { dir: string; apiKey: ApiKey; body: () => Promise<MessageBody> | MessageBody; expected(v: number): unknown };

const partition0 = { errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 5, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] };

const cases: Case[] = [
  {
    dir: 'apiVersions',
    apiKey: ApiKey.ApiVersions,
    body: () => apiVersionsResponseBody(),
    expected: () => ({ errorCode: 0, apiVersions: expect.arrayContaining([{ apiKey: 1, minVersion: 4, maxVersion: 17 }]) }),
  },
  {
    dir: 'metadata',
    apiKey: ApiKey.Metadata,
    body: () => ({
      brokers: [{ nodeId: 1, host: 'localhost', port: 9092, rack: null }],
      clusterId: 'cluster-1',
      controllerId: 1,
      topics: [{ errorCode: 0, name: 'orders-é', isInternal: false, partitions: [partition0] }],
    }),
    expected: (v) => ({
      brokers: [v >= 1 ? { nodeId: 1, host: 'localhost', port: 9092, rack: null } : { nodeId: 1, host: 'localhost', port: 9092 }],
      topicMetadata: [
        {
          topicErrorCode: 0,
          topic: 'orders-é',
          partitionMetadata: [{ partitionErrorCode: 0, partitionId: 0, leader: 1, replicas: [1], isr: [1] }],
        },
      ],
    }),
  },
  {
    dir: 'produce',
    apiKey: ApiKey.Produce,
    body: () => ({
      responses: [
        { name: 'orders-é', partitionResponses: [{ index: 2, errorCode: 0, baseOffset: 42n, logAppendTimeMs: -1n, logStartOffset: 0n }] },
      ],
      throttleTimeMs: 0,
    }),
    expected: (v) => ({
      topics: [
        {
          topicName: 'orders-é',
          partitions: [{ partition: 2, errorCode: 0, baseOffset: '42', logAppendTime: '-1', ...(v >= 5 ? { logStartOffset: '0' } : {}) }],
        },
      ],
    }),
  },
  {
    dir: 'fetch',
    apiKey: ApiKey.Fetch,
    body: async () => ({
      errorCode: 0,
      sessionId: 0,
      responses: [
        {
          topic: 'orders-é',
          partitions: [
            {
              partitionIndex: 3,
              errorCode: 0,
              highWatermark: 10n,
              lastStableOffset: 10n,
              logStartOffset: 0n,
              abortedTransactions: null,
              records: await kafkajsRecordBatch([
                { key: 'k1', value: 'hello' },
                { key: 'k2', value: 'world' },
              ]),
            },
          ],
        },
      ],
    }),
    expected: () => ({
      responses: [
        {
          topicName: 'orders-é',
          partitions: [
            expect.objectContaining({
              partition: 3,
              errorCode: 0,
              highWatermark: '10',
              messages: [
                expect.objectContaining({ key: Buffer.from('k1'), value: Buffer.from('hello') }),
                expect.objectContaining({ key: Buffer.from('k2'), value: Buffer.from('world') }),
              ],
            }),
          ],
        },
      ],
    }),
  },
  {
    dir: 'listOffsets',
    apiKey: ApiKey.ListOffsets,
    body: () => ({
      topics: [{ name: 'orders-é', partitions: [{ partitionIndex: 1, errorCode: 0, oldStyleOffsets: [5n], timestamp: -1n, offset: 5n }] }],
    }),
    expected: (v) => ({
      responses: [
        {
          topic: 'orders-é',
          partitions: [
            v === 0 ? { partition: 1, errorCode: 0, offsets: ['5'] } : { partition: 1, errorCode: 0, timestamp: '-1', offset: '5' },
          ],
        },
      ],
    }),
  },
  {
    dir: 'findCoordinator',
    apiKey: ApiKey.FindCoordinator,
    body: () => ({ errorCode: 0, errorMessage: null, nodeId: 1, host: 'broker-host', port: 19092 }),
    expected: () => ({ errorCode: 0, coordinator: { nodeId: 1, host: 'broker-host', port: 19092 } }),
  },
  {
    dir: 'joinGroup',
    apiKey: ApiKey.JoinGroup,
    body: () => ({
      errorCode: 0,
      generationId: 4,
      protocolName: 'RoundRobinAssigner',
      leader: 'm1',
      memberId: 'm2',
      members: [{ memberId: 'm1', groupInstanceId: null, metadata: Buffer.from('meta') }],
    }),
    expected: () => ({
      errorCode: 0,
      generationId: 4,
      groupProtocol: 'RoundRobinAssigner',
      leaderId: 'm1',
      memberId: 'm2',
      members: [expect.objectContaining({ memberId: 'm1', memberMetadata: Buffer.from('meta') })],
    }),
  },
  {
    dir: 'syncGroup',
    apiKey: ApiKey.SyncGroup,
    body: () => ({ errorCode: 0, assignment: Buffer.from('assignment') }),
    expected: () => ({ errorCode: 0, memberAssignment: Buffer.from('assignment') }),
  },
  { dir: 'heartbeat', apiKey: ApiKey.Heartbeat, body: () => ({ errorCode: 27 }), expected: () => ({ errorCode: 27 }) },
  {
    dir: 'leaveGroup',
    apiKey: ApiKey.LeaveGroup,
    body: () => ({ errorCode: 0, members: [{ memberId: 'm1', groupInstanceId: 'i1', errorCode: 25 }] }),
    expected: (v) => (v >= 3 ? { errorCode: 0, members: [{ memberId: 'm1', groupInstanceId: 'i1', errorCode: 25 }] } : { errorCode: 0 }),
  },
  {
    dir: 'offsetCommit',
    apiKey: ApiKey.OffsetCommit,
    body: () => ({ topics: [{ name: 'orders-é', partitions: [{ partitionIndex: 0, errorCode: 22 }] }] }),
    expected: () => ({ responses: [{ topic: 'orders-é', partitions: [{ partition: 0, errorCode: 22 }] }] }),
  },
  {
    dir: 'offsetFetch',
    apiKey: ApiKey.OffsetFetch,
    body: () => ({
      topics: [{ name: 'orders-é', partitions: [{ partitionIndex: 0, committedOffset: 7n, metadata: 'md', errorCode: 0 }] }],
      errorCode: 0,
    }),
    expected: () => ({ responses: [{ topic: 'orders-é', partitions: [{ partition: 0, offset: '7', metadata: 'md', errorCode: 0 }] }] }),
  },
  {
    dir: 'createTopics',
    apiKey: ApiKey.CreateTopics,
    body: () => ({ topics: [{ name: 'new-topic', errorCode: 36, errorMessage: 'exists' }] }),
    expected: () => ({ topicErrors: [expect.objectContaining({ topic: 'new-topic', errorCode: 36 })] }),
  },
  {
    dir: 'deleteTopics',
    apiKey: ApiKey.DeleteTopics,
    body: () => ({ responses: [{ name: 'gone', errorCode: 3 }] }),
    expected: () => ({ topicErrors: [{ topic: 'gone', errorCode: 3 }] }),
  },
  {
    dir: 'describeGroups',
    apiKey: ApiKey.DescribeGroups,
    body: () => ({
      groups: [
        {
          errorCode: 0,
          groupId: 'g1',
          groupState: 'Stable',
          protocolType: 'consumer',
          protocolData: 'RoundRobinAssigner',
          members: [
            {
              memberId: 'm1',
              clientId: 'c1',
              clientHost: '/127.0.0.1',
              memberMetadata: Buffer.from('md'),
              memberAssignment: Buffer.from('as'),
            },
          ],
        },
      ],
    }),
    expected: () => ({
      groups: [
        {
          errorCode: 0,
          groupId: 'g1',
          state: 'Stable',
          protocolType: 'consumer',
          protocol: 'RoundRobinAssigner',
          members: [
            {
              memberId: 'm1',
              clientId: 'c1',
              clientHost: '/127.0.0.1',
              memberMetadata: Buffer.from('md'),
              memberAssignment: Buffer.from('as'),
            },
          ],
        },
      ],
    }),
  },
  {
    dir: 'listGroups',
    apiKey: ApiKey.ListGroups,
    body: () => ({ errorCode: 0, groups: [{ groupId: 'g1', protocolType: 'consumer' }] }),
    expected: () => ({ errorCode: 0, groups: [{ groupId: 'g1', protocolType: 'consumer' }] }),
  },
  {
    dir: 'describeConfigs',
    apiKey: ApiKey.DescribeConfigs,
    body: () => ({
      results: [
        {
          errorCode: 0,
          errorMessage: null,
          resourceType: 2,
          resourceName: 'orders-é',
          configs: [
            { name: 'retention.ms', value: '1000', readOnly: false, isDefault: false, configSource: 1, isSensitive: false, synonyms: [] },
          ],
        },
      ],
    }),
    expected: () => ({
      resources: [
        {
          errorCode: 0,
          resourceType: 2,
          resourceName: 'orders-é',
          configEntries: [
            expect.objectContaining({
              configName: 'retention.ms',
              configValue: '1000',
              readOnly: false,
              isDefault: false,
              isSensitive: false,
            }),
          ],
        },
      ],
    }),
  },
  {
    dir: 'initProducerId',
    apiKey: ApiKey.InitProducerId,
    body: () => ({ errorCode: 0, producerId: 1000n, producerEpoch: 3 }),
    expected: () => ({ errorCode: 0, producerId: '1000', producerEpoch: 3 }),
  },
];

const table = cases.flatMap((c) => {
  const range = supportedVersions(c.apiKey);
  if (!range) throw new Error(`API ${c.apiKey} not served`);
  return kafkajsVersions(c.dir)
    .filter((v) => v >= range.minVersion && v <= range.maxVersion)
    .map((v) => [c.dir, v, c] as const);
});

describe('responses decoded by kafkajs 2.2.4', () => {
  it('covers every API', () => expect(new Set(table.map(([dir]) => dir)).size).toBe(18));

  it.each(table)('%s v%i', async (_dir, version, c) => {
    const frame = encodeResponse({ apiKey: c.apiKey, apiVersion: version, correlationId: 9, clientId: null }, await c.body());
    expect(frame.readInt32BE(4)).toBe(9);
    const { response } = kafkajsProtocol(c.dir, version, {});
    const decoded = await response.decode(frame.subarray(8));
    expect(decoded).toMatchObject(c.expected(version) as object);
  });
});
