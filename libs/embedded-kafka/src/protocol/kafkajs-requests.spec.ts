import { ApiKey } from './api-keys';
import { supportedVersions } from './api-versions-table';
import type { MessageBody } from './message-body';
import { decodeRequest, encodeRequest } from './request-codec';
import { kafkajsProtocol, kafkajsRequestFrame, kafkajsVersions } from '../test-support/kafkajs-internals';

/**
 * Requests as kafkajs 2.2.4 writes them, for every version kafkajs knows that we serve: we must decode them to
 * the right values and re-encode them to the very same bytes.
 */
type Case = { dir: string; apiKey: ApiKey; args: Record<string, unknown>; check(body: MessageBody, v: number): void };

const topicPartitions = (partition: Record<string, unknown>) => [{ topic: 'orders-é', partitions: [partition] }];

const cases: Case[] = [
  { dir: 'apiVersions', apiKey: ApiKey.ApiVersions, args: {}, check: () => undefined },
  {
    dir: 'metadata',
    apiKey: ApiKey.Metadata,
    args: { topics: ['orders-é', 'users'], allowAutoTopicCreation: false },
    check: (b, v) => {
      expect(b.topics.map((t: MessageBody) => t.name)).toEqual(['orders-é', 'users']);
      expect(b.allowAutoTopicCreation).toBe(v < 4 ? true : false);
    },
  },
  {
    dir: 'produce',
    apiKey: ApiKey.Produce,
    args: {
      acks: -1,
      timeout: 30000,
      transactionalId: 'tx-1',
      topicData: [{ topic: 'orders-é', partitions: [{ partition: 2, messages: [{ key: 'k', value: 'v' }] }] }],
    },
    check: (b) => {
      expect([b.transactionalId, b.acks, b.timeoutMs]).toEqual(['tx-1', -1, 30000]);
      const p = b.topicData[0].partitionData[0];
      expect([b.topicData[0].name, p.index]).toEqual(['orders-é', 2]);
      expect(p.records.readInt8(16)).toBe(2); // record batch magic byte
    },
  },
  {
    dir: 'fetch',
    apiKey: ApiKey.Fetch,
    args: {
      replicaId: -1,
      maxWaitTime: 5000,
      minBytes: 1,
      maxBytes: 10485760,
      isolationLevel: 1,
      sessionId: 5,
      sessionEpoch: 2,
      rackId: 'rack-a',
      topics: topicPartitions({ partition: 3, fetchOffset: '42', maxBytes: 1048576 }),
      forgottenTopics: [{ topic: 'old', partitions: [7] }],
    },
    check: (b, v) => {
      expect([b.replicaId, b.maxWaitMs, b.minBytes, b.maxBytes, b.isolationLevel]).toEqual([-1, 5000, 1, 10485760, 1]);
      const p = b.topics[0].partitions[0];
      expect([b.topics[0].topic, p.partition, p.fetchOffset, p.partitionMaxBytes]).toEqual(['orders-é', 3, 42n, 1048576]);
      if (v >= 7) expect([b.sessionId, b.sessionEpoch, b.forgottenTopicsData[0].partitions]).toEqual([5, 2, [7]]);
      if (v >= 11) expect(b.rackId).toBe('rack-a');
    },
  },
  {
    dir: 'listOffsets',
    apiKey: ApiKey.ListOffsets,
    args: { replicaId: -1, isolationLevel: 1, topics: topicPartitions({ partition: 1, timestamp: -2 }) },
    check: (b, v) => {
      const p = b.topics[0].partitions[0];
      expect([b.replicaId, p.partitionIndex, p.timestamp]).toEqual([-1, 1, -2n]);
      if (v >= 2) expect(b.isolationLevel).toBe(1);
    },
  },
  {
    dir: 'findCoordinator',
    apiKey: ApiKey.FindCoordinator,
    args: { groupId: 'group-1', coordinatorType: 1 },
    check: (b, v) => expect([b.key, b.keyType]).toEqual(['group-1', v >= 1 ? 1 : 0]),
  },
  {
    dir: 'joinGroup',
    apiKey: ApiKey.JoinGroup,
    args: {
      groupId: 'group-1',
      sessionTimeout: 30000,
      rebalanceTimeout: 60000,
      memberId: 'member-1',
      protocolType: 'consumer',
      groupProtocols: [{ name: 'RoundRobinAssigner', metadata: Buffer.from('meta') }],
    },
    check: (b, v) => {
      expect([b.groupId, b.sessionTimeoutMs, b.memberId, b.protocolType]).toEqual(['group-1', 30000, 'member-1', 'consumer']);
      expect(b.rebalanceTimeoutMs).toBe(v >= 1 ? 60000 : -1);
      expect(b.protocols).toEqual([{ name: 'RoundRobinAssigner', metadata: Buffer.from('meta') }]);
    },
  },
  {
    dir: 'syncGroup',
    apiKey: ApiKey.SyncGroup,
    args: {
      groupId: 'group-1',
      generationId: 3,
      memberId: 'm1',
      groupAssignment: [{ memberId: 'm1', memberAssignment: Buffer.from('a') }],
    },
    check: (b) => {
      expect([b.groupId, b.generationId, b.memberId]).toEqual(['group-1', 3, 'm1']);
      expect(b.assignments).toEqual([{ memberId: 'm1', assignment: Buffer.from('a') }]);
    },
  },
  {
    dir: 'heartbeat',
    apiKey: ApiKey.Heartbeat,
    args: { groupId: 'group-1', groupGenerationId: 3, memberId: 'm1' },
    check: (b) => expect([b.groupId, b.generationId, b.memberId, b.groupInstanceId]).toEqual(['group-1', 3, 'm1', null]),
  },
  {
    dir: 'leaveGroup',
    apiKey: ApiKey.LeaveGroup,
    args: { groupId: 'group-1', memberId: 'm1', groupInstanceId: 'instance-1' },
    check: (b, v) => {
      if (v < 3) expect(b.memberId).toBe('m1');
      else expect(b.members).toEqual([{ memberId: 'm1', groupInstanceId: 'instance-1', reason: null }]);
    },
  },
  {
    dir: 'offsetCommit',
    apiKey: ApiKey.OffsetCommit,
    args: {
      groupId: 'group-1',
      groupGenerationId: 3,
      memberId: 'm1',
      retentionTime: -1,
      topics: topicPartitions({ partition: 0, offset: '99', metadata: 'md' }),
    },
    check: (b, v) => {
      const p = b.topics[0].partitions[0];
      expect([b.groupId, p.partitionIndex, p.committedOffset, p.committedMetadata]).toEqual(['group-1', 0, 99n, 'md']);
      if (v >= 1) expect([b.generationIdOrMemberEpoch, b.memberId]).toEqual([3, 'm1']);
    },
  },
  {
    dir: 'offsetFetch',
    apiKey: ApiKey.OffsetFetch,
    args: { groupId: 'group-1', topics: topicPartitions({ partition: 4 }) },
    check: (b) => expect([b.groupId, b.topics]).toEqual(['group-1', [{ name: 'orders-é', partitionIndexes: [4] }]]),
  },
  {
    dir: 'createTopics',
    apiKey: ApiKey.CreateTopics,
    args: {
      topics: [
        { topic: 'new-topic', numPartitions: 3, replicationFactor: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
      ],
      validateOnly: true,
      timeout: 5000,
    },
    check: (b, v) => {
      const t = b.topics[0];
      expect([t.name, t.numPartitions, t.replicationFactor, t.assignments, b.timeoutMs]).toEqual(['new-topic', 3, 1, [], 5000]);
      expect(t.configs).toEqual([{ name: 'cleanup.policy', value: 'compact' }]);
      expect(b.validateOnly).toBe(v >= 1);
    },
  },
  {
    dir: 'deleteTopics',
    apiKey: ApiKey.DeleteTopics,
    args: { topics: ['a', 'b'], timeout: 5000 },
    check: (b) => expect([b.topicNames, b.timeoutMs]).toEqual([['a', 'b'], 5000]),
  },
  {
    dir: 'describeGroups',
    apiKey: ApiKey.DescribeGroups,
    args: { groupIds: ['g1', 'g2'] },
    check: (b) => expect(b.groups).toEqual(['g1', 'g2']),
  },
  { dir: 'listGroups', apiKey: ApiKey.ListGroups, args: {}, check: () => undefined },
  {
    dir: 'describeConfigs',
    apiKey: ApiKey.DescribeConfigs,
    args: { resources: [{ type: 2, name: 'orders-é', configNames: ['retention.ms'] }], includeSynonyms: true },
    check: (b, v) => {
      expect(b.resources).toEqual([{ resourceType: 2, resourceName: 'orders-é', configurationKeys: ['retention.ms'] }]);
      expect(b.includeSynonyms).toBe(v >= 1);
    },
  },
  {
    dir: 'initProducerId',
    apiKey: ApiKey.InitProducerId,
    args: { transactionalId: 'tx-1', transactionTimeout: 60000 },
    check: (b) => expect([b.transactionalId, b.transactionTimeoutMs]).toEqual(['tx-1', 60000]),
  },
];

const table = cases.flatMap((c) => {
  const range = supportedVersions(c.apiKey);
  if (!range) throw new Error(`API ${c.apiKey} not served`);
  return kafkajsVersions(c.dir)
    .filter((v) => v >= range.minVersion && v <= range.maxVersion)
    .map((v) => [c.dir, v, c] as const);
});

describe('requests encoded by kafkajs 2.2.4', () => {
  it('covers every API', () => expect(new Set(table.map(([dir]) => dir)).size).toBe(18));

  it.each(table)('%s v%i decodes and re-encodes byte for byte', async (_dir, version, c) => {
    const { request } = kafkajsProtocol(c.dir, version, c.args);
    expect(request.apiVersion).toBe(version);
    const frame = await kafkajsRequestFrame(request, 4242, 'kafkajs-client');

    const { header, body } = decodeRequest(frame.subarray(4));
    expect(header).toEqual({ apiKey: c.apiKey, apiVersion: version, correlationId: 4242, clientId: 'kafkajs-client' });
    c.check(body, version);
    expect(encodeRequest(header, body).toString('hex')).toBe(frame.toString('hex'));
  });
});
