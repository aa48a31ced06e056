import { groupItem } from '../test-support/group-items.fixture';
import { foldGroupMemberships, joinGroupMembership, observeGroupMembership } from './group-membership';
import { observeItem } from './item-observer';
import { identifyItem } from '../test-support/test-items.fixture';

describe('group membership', () => {
  const calls = [
    groupItem({ messageId: 'g1', at: 300, groupId: 'acme', traits: { plan: 'pro', email: 'billing@acme.com' } }),
    groupItem({ messageId: 'g2', at: 100, groupId: 'acme', traits: { plan: 'free' } }),
    groupItem({ messageId: 'g3', at: 500, groupId: 'acme', traits: null }),
    groupItem({ messageId: 'g4', at: 200, groupId: 'globex', traits: { name: 'Globex' } }),
  ];

  it('records first and last seen and the newest traits; a call without traits never erases them; any order gives the same', () => {
    const forward = foldGroupMemberships(calls.map((item) => ({ profileId: 'p', item }))).get('p');
    const backward = foldGroupMemberships([...calls].reverse().map((item) => ({ profileId: 'p', item }))).get('p');
    expect(forward).toEqual(backward);
    expect(forward?.get('acme')).toEqual({
      groupId: 'acme',
      firstSeen: 100,
      lastSeen: 500,
      latest: { traits: { plan: 'pro', email: 'billing@acme.com' }, occurredAt: 300, sourceId: 'web', messageId: 'g1' },
    });
    expect(forward?.get('globex')?.latest?.traits).toEqual({ name: 'Globex' });
  });

  it('joins commutatively, and only group calls with a groupId are memberships', () => {
    const [a, b] = [observeGroupMembership(calls[0])!, observeGroupMembership(calls[1])!];
    expect(joinGroupMembership(a, b)).toEqual(joinGroupMembership(b, a));
    expect(observeGroupMembership(identifyItem({ messageId: 'i', sourceId: 'web', at: 1, traits: { email: 'x@y.io' } }))).toBeNull();
    expect(observeGroupMembership(groupItem({ messageId: 'g', at: 1, groupId: '  ' }))).toBeNull();
  });

  it("never makes the group's traits the person's traits or emails", () => {
    const state = observeItem(calls[0], { sources: new Map(), fields: new Map() });
    expect([...state.traits.keys()]).toEqual([]);
    expect([...state.emails.keys()]).toEqual([]);
    expect([...state.counters.keys()]).toEqual(['$group']);
  });
});
