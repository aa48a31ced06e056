import { IdentityGraph } from './identity-graph';
import { IdentityResolver } from './identity-resolver';
import type { Identifier } from './identifier';
import { DEFAULT_IDENTITY_RULES } from './identity-rule';
import { RuleBook } from './rule-book';

const id = (type: string, value: string): Identifier => ({ type, value });
const user = (value: string) => id('user_id', value);
const anon = (value: string) => id('anonymous_id', value);
const email = (value: string) => id('email', value);
const device = (value: string) => id('device_id', value);

function harness(rules = new RuleBook()) {
  const graph = new IdentityGraph();
  const resolver = new IdentityResolver(rules);
  let next = 0;
  let clock = 1_000;
  const resolve = (...identifiers: Identifier[]) =>
    resolver.resolve(identifiers, graph, { newProfileId: () => `p${++next}`, now: clock++ });
  return { graph, resolve };
}

describe('IdentityResolver', () => {
  it('creates a profile for unknown identifiers and attaches later ones to it', () => {
    const { resolve, graph } = harness();
    const first = resolve(anon('a1'));
    expect(first).toMatchObject({ profileId: 'p1', createdProfile: true, attached: [anon('a1')] });
    const signup = resolve(anon('a1'), user('u1'), email('jane@example.com'));
    expect(signup).toMatchObject({ profileId: 'p1', createdProfile: false, merges: [] });
    expect(signup.attached).toEqual([user('u1'), email('jane@example.com')]);
    expect(graph.profileOf(user('u1'))).toBe('p1');
  });

  it('merges two device profiles on login; the oldest profile survives', () => {
    const { resolve, graph } = harness();
    resolve(anon('phone'));
    resolve(anon('laptop'));
    resolve(anon('laptop'), user('u1'));
    const login = resolve(anon('phone'), user('u1'));
    expect(login.profileId).toBe('p1');
    expect(login.merges).toEqual([
      { survivorProfileId: 'p1', absorbedProfileId: 'p2', rule: 'shared_identifier:user_id', identifiers: [user('u1'), anon('phone')] },
    ]);
    expect(graph.profileOf(anon('laptop'))).toBe('p1');
    expect(graph.liveProfileIds()).toEqual(['p1']);
  });

  it('never merges two different user_ids: the lower-priority identifier is dropped', () => {
    const { resolve } = harness();
    resolve(user('u1'), email('same@example.com'));
    const other = resolve(user('u2'), email('same@example.com'));
    expect(other.profileId).toBe('p2');
    expect(other.merges).toEqual([]);
    expect(other.dropped).toEqual([{ ...email('same@example.com'), reason: 'conflicting_user_id' }]);
  });

  it('keeps a shared tablet from merging three users, and flags it once a fourth appears', () => {
    const { resolve, graph } = harness();
    const profiles = ['u1', 'u2', 'u3'].map((u) => resolve(device('tablet'), user(u)).profileId);
    expect(new Set(profiles).size).toBe(3);
    expect(graph.isSuspect(device('tablet'))).toBe(false);
    const fourth = resolve(device('tablet'), user('u4'));
    expect(fourth.newSuspects).toEqual([{ identifier: device('tablet'), distinctUserIds: 4 }]);
    expect(fourth.dropped).toEqual([{ ...device('tablet'), reason: 'suspect_value' }]);
    // A suspect value alone identifies nobody any more.
    expect(resolve(device('tablet')).profileId).toBeUndefined();
  });

  it('ignores blocked values', () => {
    const { resolve } = harness();
    const a = resolve(anon('anonymous'), user('u1'));
    const b = resolve(anon('anonymous'), user('u2'));
    expect(a.profileId).not.toBe(b.profileId);
    expect(b.dropped).toEqual([{ ...anon('anonymous'), reason: 'blocked_value' }]);
    for (const value of [
      'null',
      'undefined',
      '0',
      '-1',
      'Guest',
      '[object Object]',
      'NaN',
      '0000-00',
      '00000000-0000-0000-0000-000000000000',
    ]) {
      expect(resolve(device(value)).profileId).toBeUndefined();
    }
    expect(resolve(email('not-an-email')).dropped).toEqual([{ ...email('not-an-email'), reason: 'blocked_value' }]);
  });

  it('never lets a profile hold more emails than the limit', () => {
    const { resolve, graph } = harness();
    resolve(user('u1'), ...['e1', 'e2', 'e3', 'e4'].map((e) => email(`${e}@x.io`)));
    const more = resolve(user('u1'), email('e5@x.io'), email('e6@x.io'));
    expect(more.attached).toEqual([email('e5@x.io')]);
    expect(more.dropped).toEqual([{ ...email('e6@x.io'), reason: 'limit_exceeded' }]);
    expect(graph.profile('p1').counts.get('email')).toBe(5);
  });

  it('refuses a merge that would break a limit, keeping the anchor profile', () => {
    const { resolve, graph } = harness();
    resolve(anon('a'), ...['1', '2', '3'].map((e) => email(`${e}@x.io`)));
    resolve(anon('b'), ...['4', '5', '6'].map((e) => email(`${e}@x.io`)));
    const link = resolve(email('1@x.io'), anon('b'));
    expect(link.profileId).toBe('p1');
    expect(link.merges).toEqual([]);
    expect(link.dropped).toEqual([{ ...anon('b'), reason: 'limit_exceeded' }]);
    expect(graph.liveProfileIds().sort()).toEqual(['p1', 'p2']);
  });

  it('takes rules from the rule book (custom limit and blocked pattern)', () => {
    const rules = new RuleBook(
      DEFAULT_IDENTITY_RULES.map((rule) =>
        rule.identifierType === 'phone' ? { ...rule, maxPerProfile: 1, blockedPatterns: ['^\\+1555'] } : rule,
      ),
    );
    const { resolve } = harness(rules);
    expect(resolve(id('phone', '+15550100')).profileId).toBeUndefined();
    resolve(user('u1'), id('phone', '+33600000001'));
    expect(resolve(user('u1'), id('phone', '+33600000002')).dropped).toEqual([
      { ...id('phone', '+33600000002'), reason: 'limit_exceeded' },
    ]);
  });

  it('never re-joins profiles that a manual split separated', () => {
    const { resolve, graph } = harness();
    resolve(anon('shared'), email('a@x.io'));
    resolve(email('b@x.io'));
    graph.profile('p1').separatedFrom.add('p2');
    const relink = resolve(email('a@x.io'), email('b@x.io'));
    expect(relink.profileId).toBe('p1');
    expect(relink.merges).toEqual([]);
    expect(relink.dropped).toEqual([{ ...email('b@x.io'), reason: 'other' }]);
    // A third profile merged into p1 carries the separation along.
    resolve(anon('third'));
    resolve(anon('shared'), anon('third'));
    expect(graph.areSeparated('p3', 'p2')).toBe(true);
  });
});
