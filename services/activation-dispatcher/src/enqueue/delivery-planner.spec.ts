import { applySnapshot, emptyProfile, type ProfileState } from '../projection/profile-state';
import { DeliveryPlanner, memberKey, presentKey, type PlanContext, type SyncTarget } from './delivery-planner';

const sync = (syncId: string, mode: SyncTarget['mode'], extra: Partial<SyncTarget> = {}): SyncTarget => ({
  syncId,
  segmentId: 'seg',
  destinationId: `d-${syncId}`,
  mode,
  mapping: { plan: 'traits.plan' },
  requiredConsent: [],
  matchesByIdentifiers: false,
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

  describe('audiences (destinations that match people by email and phone)', () => {
    const audience = sync('g', 'add_remove', { matchesByIdentifiers: true });
    const hook = sync('w', 'add_remove');
    const withIds = (id: string, identifiers: Array<{ type: string; value: string }>, extra: Partial<ProfileState> = {}) =>
      ({
        ...applySnapshot(emptyProfile(id), {
          profileId: id,
          version: 3,
          status: 'active',
          mergedInto: null,
          values: '{}',
          identifiers,
          isTest: false,
        }),
        ...extra,
      }) as ProfileState;

    it("a merged profile's remove is not sent to an audience that holds its survivor, and says why; a webhook still gets it", () => {
      const merged = withIds('m', [{ type: 'email', value: 'eve@x.io' }], { status: 'merged', mergedInto: 's' });
      const present = [presentKey('g', 'm'), presentKey('w', 'm'), presentKey('g', 's'), presentKey('w', 's')];
      const plan = planner([audience, hook], [merged], { members: ['m'], present });
      plan.reconcile('m', ['profile', 3], 2_000);
      expect(lines(plan)).toEqual([
        "g m remove suppressed (not removed: merged into s, which the audience holds with this profile's email and phone)",
        'w m remove pending (removed: profile merged into s)',
      ]);
      expect(plan.presence.get(presentKey('g', 'm'))).toMatchObject({ present: false });

      const exit = planner([audience], [merged], { members: ['m'], present });
      exit.membership({ ...enter, change: 'exited', profileId: 'm' });
      expect(lines(exit)).toEqual([
        "g m remove suppressed (not removed: merged into s, which the audience holds with this profile's email and phone)",
      ]);

      const alone = planner([audience], [merged], { members: ['m'], present: [presentKey('g', 'm')] });
      alone.reconcile('m', ['profile', 3], 2_000);
      expect(lines(alone)).toEqual(['g m remove pending (removed: profile merged into s)']);
    });

    it("a present member's new email or phone is sent to an audience again (an add), not to a webhook", () => {
      const before = withIds('s', [{ type: 'phone', value: '+4915123456789' }]);
      const after = withIds('s', [
        { type: 'email', value: 'eve@x.io' },
        { type: 'phone', value: '+4915123456789' },
      ]);
      const state = { members: ['s'], present: [presentKey('g', 's'), presentKey('w', 's')], before: [before] };
      const plan = planner([audience, hook], [after], state);
      plan.reconcile('s', ['profile', 3], 2_000);
      expect(lines(plan)).toEqual(['g s add pending']);
      expect(plan.deliveries[0].payload.identifiers).toEqual({ email: ['eve@x.io'], phone: ['+4915123456789'] });

      const same = planner([audience, hook], [after], { ...state, before: [after] });
      same.reconcile('s', ['profile', 4], 3_000);
      expect(lines(same)).toEqual([]);
    });
  });
});
