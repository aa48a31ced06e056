import { applySnapshot, emptyProfile, type ProfileState } from '../projection/profile-state';
import { DeliveryPlanner, memberKey, presentKey, type PlanContext, type SyncTarget } from './delivery-planner';

const sync = (syncId: string, mode: SyncTarget['mode'], extra: Partial<SyncTarget> = {}): SyncTarget => ({
  syncId,
  segmentId: 'seg',
  destinationId: `d-${syncId}`,
  mode,
  mapping: { plan: 'traits.plan' },
  requiredConsent: [],
  ...extra,
});
const profile = (id: string, values: Record<string, unknown>, extra: Partial<ProfileState> = {}): ProfileState => ({
  ...applySnapshot(emptyProfile(id), {
    profileId: id,
    version: 2,
    status: 'active',
    mergedInto: null,
    values: JSON.stringify(values),
    identifiers: [{ type: 'email', value: `${id}@x.io` }],
    isTest: false,
  }),
  ...extra,
});

function planner(
  syncs: SyncTarget[],
  profiles: ProfileState[],
  state: { members?: string[]; present?: string[]; before?: ProfileState[]; suppressed?: string[] } = {},
): DeliveryPlanner {
  const context: PlanContext = {
    syncs,
    profiles: new Map(profiles.map((p) => [p.profileId, p])),
    before: new Map((state.before ?? profiles).map((p) => [p.profileId, p])),
    members: new Set((state.members ?? []).map((id) => memberKey('seg', id))),
    present: new Map((state.present ?? []).map((key) => [key, true])),
    suppression: (destinationId, p) => (state.suppressed?.includes(`${destinationId}/${p.profileId}`) ? 'asked' : null),
  };
  return new DeliveryPlanner(context);
}

const lines = (p: DeliveryPlanner) =>
  p.deliveries.map((d) => `${d.syncId} ${d.profileId} ${d.action} ${d.status}${d.reason ? ` (${d.reason})` : ''}`);
const enter = { segmentId: 'seg', change: 'entered' as const, version: 2, segmentVersion: 1, at: 1_000 };

describe('DeliveryPlanner', () => {
  it('enter: an add per add_remove sync, an upsert per upsert sync, nothing for mirror syncs; distinct ids per profile', () => {
    const p = planner(
      [sync('a', 'add_remove'), sync('u', 'upsert'), sync('m', 'mirror')],
      [profile('p1', { 'traits.plan': 'pro' }), profile('p2', {})],
    );
    p.membership({ ...enter, profileId: 'p1' });
    p.membership({ ...enter, profileId: 'p2' });
    expect(lines(p)).toEqual(['a p1 add pending', 'u p1 upsert pending', 'a p2 add pending', 'u p2 upsert pending']);
    expect(new Set(p.deliveries.map((d) => d.deliveryId)).size).toBe(4);
    expect(p.deliveries[1].payload.fields).toEqual({ plan: 'pro' });
    expect([...p.presence.values()].every((x) => x.present)).toBe(true);
  });

  it('the same input twice derives the same delivery id', () => {
    const ids = [1, 2].map(() => {
      const p = planner([sync('a', 'add_remove')], [profile('p1', {})]);
      p.membership({ ...enter, profileId: 'p1' });
      return p.deliveries[0].deliveryId;
    });
    expect(ids[0]).toBe(ids[1]);
  });

  it('exit: a remove only where the profile was sent an add', () => {
    const p = planner([sync('a', 'add_remove'), sync('b', 'add_remove')], [profile('p1', {})], {
      members: ['p1'],
      present: [presentKey('a', 'p1')],
    });
    p.membership({ ...enter, profileId: 'p1', change: 'exited' });
    expect(lines(p)).toEqual(['a p1 remove pending']);
  });

  it('a blocked enter is a suppressed row with the reason; reconciling a withdrawal removes and suppresses pending sends', () => {
    const ads = sync('ads', 'add_remove', { requiredConsent: ['marketing'] });
    const granted = profile('p1', { 'consent.Marketing': true });
    const denied = profile('p1', { 'consent.marketing': false });
    const p = planner([ads], [denied], { members: ['p1'], present: [presentKey('ads', 'p1')], before: [granted] });
    p.reconcile('p1', ['profile', 3], 2_000);
    expect(lines(p)).toEqual(['ads p1 remove pending (removed: consent marketing denied)']);
    expect([...p.suppressPending.values()]).toEqual([{ destinationId: 'd-ads', profileId: 'p1', reason: 'consent marketing denied' }]);
    const q = planner([ads], [profile('p2', {})]);
    q.membership({ ...enter, profileId: 'p2' });
    expect(lines(q)).toEqual(['ads p2 add suppressed (consent marketing not granted (no choice recorded))']);
    expect(q.presence.size).toBe(0);
  });

  it('reconcile: a member allowed again gets its add; an upsert sync sends only when its mapped fields changed', () => {
    const p = planner([sync('a', 'add_remove'), sync('u', 'upsert')], [profile('p1', { 'traits.plan': 'team', 'traits.city': 'Paris' })], {
      members: ['p1'],
      present: [presentKey('u', 'p1')],
      before: [profile('p1', { 'traits.plan': 'pro', 'traits.city': 'Paris' })],
    });
    p.reconcile('p1', ['profile', 3], 2_000);
    expect(lines(p)).toEqual(['a p1 add pending', 'u p1 upsert pending']);
    const q = planner([sync('u', 'upsert')], [profile('p1', { 'traits.plan': 'pro', 'traits.city': 'Lyon' })], {
      members: ['p1'],
      present: [presentKey('u', 'p1')],
      before: [profile('p1', { 'traits.plan': 'pro', 'traits.city': 'Paris' })],
    });
    q.reconcile('p1', ['profile', 3], 2_000);
    expect(lines(q)).toEqual([]);
  });

  it('test profiles, merged profiles and suppressed profiles are never sent an add', () => {
    const a = sync('a', 'add_remove');
    for (const [p, reason] of [
      [profile('t', {}, { isTest: true }), 'test profile: test profiles never reach a destination'],
      [profile('m', {}, { status: 'merged', mergedInto: 'x' }), 'profile merged into x'],
      [profile('s', {}), "on the destination's suppression list: asked"],
    ] as const) {
      const plan = planner([a], [p], { suppressed: ['d-a/s'] });
      plan.membership({ ...enter, profileId: p.profileId });
      expect(plan.deliveries.map((d) => [d.status, d.reason])).toEqual([['suppressed', reason]]);
    }
  });
});
