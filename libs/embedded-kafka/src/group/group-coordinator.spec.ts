import { GroupCoordinator } from './group-coordinator';
import { GroupErrorCode as E } from './group-error-codes';
import { GroupState } from './group-state';
import type { JoinGroupParams, JoinGroupResult } from './group-types';

const meta = (s: string) => Buffer.from(s);

function joinParams(overrides: Partial<JoinGroupParams> = {}): JoinGroupParams {
  return {
    groupId: 'g',
    memberId: '',
    groupInstanceId: null,
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 20_000,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: meta('m') }],
    clientId: 'client',
    clientHost: '/127.0.0.1',
    requireKnownMemberId: false,
    ...overrides,
  };
}

/** Lets promise callbacks run between fake-timer steps. */
const flush = () => new Promise<void>((resolve) => jest.requireActual<typeof import('timers')>('timers').setImmediate(resolve));

async function joinedMember(coordinator: GroupCoordinator, overrides: Partial<JoinGroupParams> = {}): Promise<JoinGroupResult> {
  const required = await coordinator.join(joinParams({ ...overrides, requireKnownMemberId: true }));
  expect(required.errorCode).toBe(E.MEMBER_ID_REQUIRED);
  return coordinator.join(joinParams({ ...overrides, memberId: required.memberId, requireKnownMemberId: true }));
}

jest.setTimeout(5000);

describe('GroupCoordinator', () => {
  let coordinator: GroupCoordinator;

  beforeEach(() => {
    jest.useFakeTimers();
    coordinator = new GroupCoordinator({ initialRebalanceDelayMs: 0, minSessionTimeoutMs: 1000 });
  });

  afterEach(() => {
    coordinator.shutdown();
    jest.useRealTimers();
  });

  it('hands out a member id first (v4+), then elects the only member leader of generation 1', async () => {
    const joined = await joinedMember(coordinator);
    expect(joined).toMatchObject({ errorCode: E.NONE, generationId: 1, protocolName: 'range', protocolType: 'consumer' });
    expect(joined.leader).toBe(joined.memberId);
    expect(joined.memberId).toMatch(/^client-/);
    expect(joined.members).toEqual([{ memberId: joined.memberId, groupInstanceId: null, metadata: meta('m') }]);

    const synced = await coordinator.sync({
      groupId: 'g',
      generationId: 1,
      memberId: joined.memberId,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: [{ memberId: joined.memberId, assignment: meta('all') }],
    });
    expect(synced).toMatchObject({ errorCode: E.NONE, assignment: meta('all') });
    expect(coordinator.group('g')?.state).toBe(GroupState.Stable);
    expect(coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: joined.memberId, groupInstanceId: null })).toBe(E.NONE);
  });

  it('waits group.initial.rebalance.delay.ms so members joining together share the first generation', async () => {
    coordinator = new GroupCoordinator({ initialRebalanceDelayMs: 300, minSessionTimeoutMs: 1000 });
    const first = coordinator.join(joinParams({ clientId: 'a' }));
    jest.advanceTimersByTime(200);
    const second = coordinator.join(joinParams({ clientId: 'b' }));
    jest.advanceTimersByTime(200); // the first delay expired, but a member arrived during it: extended
    await flush();
    expect(coordinator.group('g')?.state).toBe(GroupState.PreparingRebalance);
    jest.advanceTimersByTime(300);
    const [a, b] = await Promise.all([first, second]);
    expect(a.generationId).toBe(1);
    expect(b.generationId).toBe(1);
    expect(a.leader).toBe(a.memberId);
    expect(a.members).toHaveLength(2);
    expect(b.members).toHaveLength(0);
  });

  it('selects the common protocol most members prefer', async () => {
    coordinator = new GroupCoordinator({ initialRebalanceDelayMs: 100, minSessionTimeoutMs: 1000 });
    const proto = (...names: string[]) => names.map((name) => ({ name, metadata: meta(name) }));
    const joins = [
      coordinator.join(joinParams({ protocols: proto('roundrobin', 'range', 'sticky') })),
      coordinator.join(joinParams({ protocols: proto('range', 'roundrobin') })),
      coordinator.join(joinParams({ protocols: proto('range', 'roundrobin') })),
    ];
    jest.advanceTimersByTime(500);
    const results = await Promise.all(joins);
    expect(new Set(results.map((r) => r.protocolName))).toEqual(new Set(['range']));
    const rejected = await coordinator.join(joinParams({ protocols: proto('sticky') }));
    expect(rejected.errorCode).toBe(E.INCONSISTENT_GROUP_PROTOCOL);
    const wrongType = await coordinator.join(joinParams({ protocolType: 'connect' }));
    expect(wrongType.errorCode).toBe(E.INCONSISTENT_GROUP_PROTOCOL);
  });

  it('rebalances when a member joins a stable group; old members learn it through heartbeats', async () => {
    const a = await joinedMember(coordinator, { clientId: 'a' });
    await coordinator.sync({
      groupId: 'g',
      generationId: 1,
      memberId: a.memberId,
      groupInstanceId: null,
      protocolType: null,
      protocolName: null,
      assignments: [],
    });
    const bJoin = joinedMember(coordinator, { clientId: 'b' });
    await flush();
    expect(coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null })).toBe(
      E.REBALANCE_IN_PROGRESS,
    );
    const aRejoin = await coordinator.join(joinParams({ memberId: a.memberId }));
    const b = await bJoin;
    expect(aRejoin.generationId).toBe(2);
    expect(b.generationId).toBe(2);
    expect(aRejoin.leader).toBe(a.memberId);
    expect(aRejoin.members.map((m) => m.memberId).sort()).toEqual([a.memberId, b.memberId].sort());

    // The follower's sync parks until the leader's arrives.
    const bSync = coordinator.sync({
      groupId: 'g',
      generationId: 2,
      memberId: b.memberId,
      groupInstanceId: null,
      protocolType: null,
      protocolName: null,
      assignments: [],
    });
    const aSync = await coordinator.sync({
      groupId: 'g',
      generationId: 2,
      memberId: a.memberId,
      groupInstanceId: null,
      protocolType: null,
      protocolName: null,
      assignments: [
        { memberId: a.memberId, assignment: meta('p0') },
        { memberId: b.memberId, assignment: meta('p1') },
      ],
    });
    expect(aSync.assignment).toEqual(meta('p0'));
    expect((await bSync).assignment).toEqual(meta('p1'));
    expect(coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null })).toBe(
      E.ILLEGAL_GENERATION,
    );
    expect(coordinator.heartbeat({ groupId: 'g', generationId: 2, memberId: 'nobody', groupInstanceId: null })).toBe(E.UNKNOWN_MEMBER_ID);
    expect(coordinator.heartbeat({ groupId: 'other', generationId: 2, memberId: a.memberId, groupInstanceId: null })).toBe(
      E.UNKNOWN_MEMBER_ID,
    );
  });

  it('removes members that do not rejoin within the rebalance timeout', async () => {
    const a = await joinedMember(coordinator, { clientId: 'a', sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 5000 });
    await coordinator.sync({
      groupId: 'g',
      generationId: 1,
      memberId: a.memberId,
      groupInstanceId: null,
      protocolType: null,
      protocolName: null,
      assignments: [],
    });
    const b = joinedMember(coordinator, { clientId: 'b', sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 5000 });
    await flush();
    jest.advanceTimersByTime(5000);
    const joined = await b;
    expect(joined.generationId).toBe(2);
    expect(joined.leader).toBe(joined.memberId);
    expect(joined.members.map((m) => m.memberId)).toEqual([joined.memberId]);
    expect(coordinator.heartbeat({ groupId: 'g', generationId: 2, memberId: a.memberId, groupInstanceId: null })).toBe(E.UNKNOWN_MEMBER_ID);
  });

  it('expires a silent member after its session timeout and rebalances the rest', async () => {
    coordinator = new GroupCoordinator({ initialRebalanceDelayMs: 100, minSessionTimeoutMs: 1000 });
    const joins = [
      coordinator.join(joinParams({ clientId: 'a', sessionTimeoutMs: 2000 })),
      coordinator.join(joinParams({ clientId: 'b', sessionTimeoutMs: 2000 })),
    ];
    jest.advanceTimersByTime(200);
    const [a, b] = await Promise.all(joins);
    const syncs = [a, b].map((m) =>
      coordinator.sync({
        groupId: 'g',
        generationId: 1,
        memberId: m.memberId,
        groupInstanceId: null,
        protocolType: null,
        protocolName: null,
        assignments: [],
      }),
    );
    await Promise.all(syncs);
    for (let t = 0; t < 3; t++) {
      jest.advanceTimersByTime(900);
      expect(coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null })).toBe(
        t < 2 ? E.NONE : E.REBALANCE_IN_PROGRESS,
      );
    }
    expect(coordinator.group('g')?.members.has(b.memberId)).toBe(false);
    const rejoin = await coordinator.join(joinParams({ memberId: a.memberId }));
    expect(rejoin).toMatchObject({ generationId: 2, leader: a.memberId });
  });

  it('leaves in batches (v3+) and empties the group', async () => {
    coordinator = new GroupCoordinator({ initialRebalanceDelayMs: 100, minSessionTimeoutMs: 1000 });
    const joins = [coordinator.join(joinParams()), coordinator.join(joinParams())];
    jest.advanceTimersByTime(200); // the second member extended the initial delay once
    const [a, b] = await Promise.all(joins);
    const result = coordinator.leave('g', [
      { memberId: a.memberId, groupInstanceId: null },
      { memberId: b.memberId, groupInstanceId: null },
      { memberId: 'ghost', groupInstanceId: null },
    ]);
    expect(result.errorCode).toBe(E.NONE);
    expect(result.members.map((m) => m.errorCode)).toEqual([E.NONE, E.NONE, E.UNKNOWN_MEMBER_ID]);
    jest.advanceTimersByTime(0);
    expect(coordinator.group('g')?.state).toBe(GroupState.Empty);
    expect(coordinator.leave('nope', [{ memberId: 'x', groupInstanceId: null }]).members[0].errorCode).toBe(E.UNKNOWN_MEMBER_ID);
  });

  it('answers a parked sync with REBALANCE_IN_PROGRESS when the membership changes before the leader syncs', async () => {
    coordinator = new GroupCoordinator({ initialRebalanceDelayMs: 100, minSessionTimeoutMs: 1000 });
    const joins = [coordinator.join(joinParams()), coordinator.join(joinParams())];
    jest.advanceTimersByTime(200); // the second member extended the initial delay once
    const [leader, follower] = await Promise.all(joins);
    const parked = coordinator.sync({
      groupId: 'g',
      generationId: 1,
      memberId: follower.memberId,
      groupInstanceId: null,
      protocolType: null,
      protocolName: null,
      assignments: [],
    });
    coordinator.leave('g', [{ memberId: leader.memberId, groupInstanceId: null }]);
    expect((await parked).errorCode).toBe(E.REBALANCE_IN_PROGRESS);
    const stale = await coordinator.sync({
      groupId: 'g',
      generationId: 0,
      memberId: follower.memberId,
      groupInstanceId: null,
      protocolType: null,
      protocolName: null,
      assignments: [],
    });
    expect(stale.errorCode).toBe(E.ILLEGAL_GENERATION);
  });

  it('rejects session timeouts outside the configured bounds and unknown member ids', async () => {
    expect((await coordinator.join(joinParams({ sessionTimeoutMs: 10 }))).errorCode).toBe(E.INVALID_SESSION_TIMEOUT);
    expect((await coordinator.join(joinParams({ memberId: 'made-up' }))).errorCode).toBe(E.UNKNOWN_MEMBER_ID);
    expect((await coordinator.join(joinParams({ groupId: '' }))).errorCode).toBe(E.INVALID_GROUP_ID);
  });

  it('gives a restarted static member its assignment back without a rebalance and fences the old id', async () => {
    const first = await coordinator.join(joinParams({ groupInstanceId: 'instance-1', requireKnownMemberId: true }));
    expect(first.errorCode).toBe(E.NONE); // static members skip MEMBER_ID_REQUIRED
    await coordinator.sync({
      groupId: 'g',
      generationId: 1,
      memberId: first.memberId,
      groupInstanceId: 'instance-1',
      protocolType: null,
      protocolName: null,
      assignments: [{ memberId: first.memberId, assignment: meta('p0') }],
    });
    const again = await coordinator.join(joinParams({ groupInstanceId: 'instance-1' }));
    expect(again).toMatchObject({ errorCode: E.NONE, generationId: 1 });
    expect(again.memberId).not.toBe(first.memberId);
    expect(coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: first.memberId, groupInstanceId: 'instance-1' })).toBe(
      E.FENCED_INSTANCE_ID,
    );
    const synced = await coordinator.sync({
      groupId: 'g',
      generationId: 1,
      memberId: again.memberId,
      groupInstanceId: 'instance-1',
      protocolType: null,
      protocolName: null,
      assignments: [],
    });
    expect(synced.assignment).toEqual(meta('p0'));
  });

  it('drops a pending member id that never comes back, so the join completes without it', async () => {
    const a = await joinedMember(coordinator, { clientId: 'a', sessionTimeoutMs: 3000 });
    await coordinator.sync({
      groupId: 'g',
      generationId: 1,
      memberId: a.memberId,
      groupInstanceId: null,
      protocolType: null,
      protocolName: null,
      assignments: [],
    });
    const pending = await coordinator.join(joinParams({ requireKnownMemberId: true }));
    expect(pending.errorCode).toBe(E.MEMBER_ID_REQUIRED);
    const rejoin = coordinator.join(joinParams({ memberId: a.memberId, sessionTimeoutMs: 3000 }));
    await flush();
    expect(coordinator.group('g')?.state).toBe(GroupState.PreparingRebalance);
    jest.advanceTimersByTime(10_000); // the pending id's session timeout
    expect((await rejoin).generationId).toBe(2);
  });
});
