import { GroupCoordinator } from './group-coordinator';
import { GroupDescriber } from './group-describer';
import { GroupErrorCode as E } from './group-error-codes';
import { GroupOffsetManager } from './group-offset-manager';
import type { CommittedOffset, CommittedOffsetStore } from './group-types';

class InMemoryOffsetStore implements CommittedOffsetStore {
  private readonly data = new Map<string, Map<string, Map<number, CommittedOffset>>>();
  commit(group: string, entries: Array<{ topic: string; partition: number } & CommittedOffset>): void {
    const topics = this.data.get(group) ?? new Map<string, Map<number, CommittedOffset>>();
    for (const { topic, partition, offset, leaderEpoch, metadata } of entries) {
      const partitions = topics.get(topic) ?? new Map<number, CommittedOffset>();
      partitions.set(partition, { offset, leaderEpoch, metadata });
      topics.set(topic, partitions);
    }
    this.data.set(group, topics);
  }
  fetch(group: string) {
    return this.data.get(group) ?? new Map();
  }
  groups() {
    return [...this.data.keys()];
  }
}

describe('GroupOffsetManager and GroupDescriber', () => {
  const coordinator = new GroupCoordinator({ initialRebalanceDelayMs: 0, minSessionTimeoutMs: 1000 });
  const store = new InMemoryOffsetStore();
  const offsets = new GroupOffsetManager(coordinator, store, (topic, partition) => topic === 't' && partition < 2);
  const describer = new GroupDescriber(coordinator, store);
  afterAll(() => coordinator.shutdown());

  it('accepts simple commits (generation -1) for a group without members and fetches them back', () => {
    const { outcomes: outcome } = offsets.commit({ groupId: 'simple', generationId: -1, memberId: '', groupInstanceId: null }, [
      { topic: 't', partition: 0, offset: 42n, leaderEpoch: -1, metadata: 'm' },
      { topic: 't', partition: 7, offset: 1n, leaderEpoch: -1, metadata: null },
      { topic: 't', partition: 1, offset: 1n, leaderEpoch: -1, metadata: 'x'.repeat(5000) },
    ]);
    expect(outcome.map((o) => o.errorCode)).toEqual([E.NONE, E.UNKNOWN_TOPIC_OR_PARTITION, E.OFFSET_METADATA_TOO_LARGE]);
    expect(offsets.fetch('simple', [{ name: 't', partitionIndexes: [0, 1] }])).toEqual([
      {
        name: 't',
        partitions: [
          { partitionIndex: 0, offset: 42n, leaderEpoch: -1, metadata: 'm', errorCode: E.NONE },
          { partitionIndex: 1, offset: -1n, leaderEpoch: -1, metadata: '', errorCode: E.NONE },
        ],
      },
    ]);
    expect(offsets.fetch('simple', null)[0].partitions.map((p) => p.partitionIndex)).toEqual([0]);
  });

  it('validates member commits against the live group', async () => {
    const joined = await coordinator.join({
      groupId: 'live',
      memberId: '',
      groupInstanceId: null,
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 10_000,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.from('meta') }],
      clientId: 'c',
      clientHost: '/127.0.0.1',
      requireKnownMemberId: false,
    });
    const entry = { topic: 't', partition: 0, offset: 5n, leaderEpoch: 0, metadata: null };
    const commit = (generationId: number, memberId: string) =>
      offsets.commit({ groupId: 'live', generationId, memberId, groupInstanceId: null }, [entry]).outcomes[0].errorCode;
    expect(commit(1, joined.memberId)).toBe(E.REBALANCE_IN_PROGRESS); // CompletingRebalance: the assignment is not known yet
    await coordinator.sync({
      groupId: 'live',
      generationId: 1,
      memberId: joined.memberId,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: [{ memberId: joined.memberId, assignment: Buffer.from('a') }],
    });
    expect(commit(1, joined.memberId)).toBe(E.NONE);
    expect(commit(0, joined.memberId)).toBe(E.ILLEGAL_GENERATION);
    expect(commit(1, 'stranger')).toBe(E.UNKNOWN_MEMBER_ID);
    expect(commit(-1, '')).toBe(E.UNKNOWN_MEMBER_ID);

    const described = describer.describe('live');
    expect(described).toMatchObject({ groupState: 'Stable', protocolType: 'consumer', protocolData: 'range' });
    expect(described.members[0]).toMatchObject({
      memberId: joined.memberId,
      clientId: 'c',
      memberAssignment: Buffer.from('a'),
      memberMetadata: Buffer.from('meta'),
    });
    expect(describer.describe('never')).toMatchObject({ errorCode: E.NONE, groupState: 'Dead', members: [] });
    expect(describer.describe('simple')).toMatchObject({ groupState: 'Empty' });
    expect(
      describer
        .list()
        .map((g) => [g.groupId, g.groupState])
        .sort(),
    ).toEqual([
      ['live', 'Stable'],
      ['simple', 'Empty'],
    ]);
    expect(describer.list(['empty']).map((g) => g.groupId)).toEqual(['simple']);
  });
});
