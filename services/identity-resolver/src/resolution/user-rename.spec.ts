import * as fc from 'fast-check';
import { IdentityGraph } from './identity-graph';
import { IdentityResolver } from './identity-resolver';
import type { Identifier } from './identifier';
import { RuleBook } from './rule-book';
import type { RenameRequest } from './user-rename';

const id = (type: string, value: string): Identifier => ({ type, value });
const user = (value: string) => id('user_id', value);
const previous = (value: string) => id('previous_user_id', value);
const anon = (value: string) => id('anonymous_id', value);

function harness() {
  const graph = new IdentityGraph();
  const resolver = new IdentityResolver(new RuleBook());
  let next = 0;
  let clock = 1_000;
  const resolve = (identifiers: Identifier[], rename?: RenameRequest) =>
    resolver.resolve(identifiers, graph, { newProfileId: () => `p${++next}`, now: clock++ }, rename);
  /** An alias call as the extractor reads it: userId, and previousId as an anonymous_id. */
  const alias = (previousId: string, userId: string) => resolve([user(userId), anon(previousId)], { previousId, userId });
  return { graph, resolve, alias };
}

describe('alias of a known user_id: an explicit rename', () => {
  it('moves the profile to the new user_id, keeps the old one as previous_user_id, and never makes it an anonymous_id', () => {
    const { graph, resolve, alias } = harness();
    resolve([user('old-user'), anon('a1')]);
    const renamed = alias('old-user', 'new-user');
    expect(renamed).toMatchObject({
      profileId: 'p1',
      createdProfile: false,
      merges: [],
      dropped: [],
      rename: { profileId: 'p1', previousUserId: 'old-user', userId: 'new-user' },
    });
    expect(renamed.attached).toEqual([user('new-user')]);
    expect(renamed.linked).toEqual(expect.arrayContaining([user('new-user'), previous('old-user')]));
    expect(graph.profileOf(anon('old-user'))).toBeUndefined();
    expect(graph.profileOf(user('old-user'))).toBeUndefined();
    expect(graph.profileOf(previous('old-user'))).toBe('p1');
    expect([...graph.profile('p1').userIds]).toEqual(['new-user']);
  });

  it('a later event of the old user_id reaches the renamed profile, and a repeated alias changes nothing', () => {
    const { graph, resolve, alias } = harness();
    resolve([user('old-user')]);
    alias('old-user', 'new-user');
    const late = resolve([user('old-user'), anon('a2')]);
    expect(late).toMatchObject({ profileId: 'p1', createdProfile: false, dropped: [] });
    expect(late.linked).toEqual(expect.arrayContaining([previous('old-user'), anon('a2')]));
    const again = alias('old-user', 'new-user');
    expect(again).toMatchObject({ profileId: 'p1', rename: undefined, dropped: [], attached: [] });
    expect(graph.profileOf(user('old-user'))).toBeUndefined();
  });

  it("a late event of the old user_id with another user's email stays the renamed user's (previous_user_id ranks like a user_id)", () => {
    const { graph, resolve, alias } = harness();
    resolve([user('old-user')]);
    alias('old-user', 'new-user');
    resolve([user('other'), id('email', 'shared@x.io')]);
    const late = resolve([user('old-user'), id('email', 'shared@x.io')]);
    expect(late).toMatchObject({ profileId: 'p1', dropped: [{ type: 'email', value: 'shared@x.io', reason: 'conflicting_user_id' }] });
    expect(graph.profileOf(id('email', 'shared@x.io'))).toBe('p2');
  });

  it('a second alias of the old id to yet another user is not a second rename: the call stays with the renamed profile', () => {
    const { graph, resolve, alias } = harness();
    resolve([user('old-user')]);
    alias('old-user', 'new-user');
    const second = alias('old-user', 'third-user');
    expect(second).toMatchObject({
      profileId: 'p1',
      rename: undefined,
      dropped: [{ type: 'user_id', value: 'third-user', reason: 'conflicting_user_id' }],
    });
    expect([...graph.profile('p1').userIds]).toEqual(['new-user']);
    expect(graph.profileOf(user('third-user'))).toBeUndefined();
  });

  it('refuses to rename onto a user_id another profile holds: two users never merge, the call lands on the new user', () => {
    const { graph, resolve, alias } = harness();
    resolve([user('old-user')]);
    resolve([user('taken')]);
    const refused = alias('old-user', 'taken');
    expect(refused).toMatchObject({
      profileId: 'p2',
      rename: undefined,
      merges: [],
      dropped: [{ type: 'user_id', value: 'old-user', reason: 'conflicting_user_id' }],
    });
    expect(graph.profileOf(user('old-user'))).toBe('p1');
    expect(graph.profileOf(anon('old-user'))).toBeUndefined();
  });

  it('an unknown previousId is an anonymous id (Segment semantics): the pre-signup visitor joins the user', () => {
    const { graph, resolve, alias } = harness();
    resolve([anon('visitor')]);
    const joined = alias('visitor', 'u1');
    expect(joined).toMatchObject({ profileId: 'p1', rename: undefined });
    expect(graph.profileOf(user('u1'))).toBe('p1');
    expect(graph.profileOf(anon('visitor'))).toBe('p1');
    expect(graph.profileOf(previous('visitor'))).toBeUndefined();
  });
});

describe('alias renames, any stream (fast-check)', () => {
  const users = ['u0', 'u1', 'u2', 'u3'];
  const anons = ['a0', 'a1', 'a2'];
  const event = fc.oneof(
    fc.record({
      kind: fc.constant('identify' as const),
      user: fc.option(fc.constantFrom(...users), { nil: undefined }),
      anon: fc.option(fc.constantFrom(...anons), { nil: undefined }),
      email: fc.option(fc.constantFrom('e0@x.io', 'e1@x.io'), { nil: undefined }),
    }),
    fc.record({ kind: fc.constant('alias' as const), previous: fc.constantFrom(...users, ...anons), user: fc.constantFrom(...users) }),
  );

  it('no profile ever holds two user_ids, an alias of a known user_id never creates its anonymous_id, and an old and new id of one value share a profile', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), (events) => {
        const { graph, resolve, alias } = harness();
        for (const e of events) {
          if (e.kind === 'identify') {
            const carried = [e.user && user(e.user), e.anon && anon(e.anon), e.email && id('email', e.email)].filter((i): i is Identifier =>
              Boolean(i),
            );
            if (carried.length > 0) resolve(carried);
            continue;
          }
          if (e.previous === e.user) continue;
          const knownUser = graph.profileOf(user(e.previous)) !== undefined || graph.profileOf(previous(e.previous)) !== undefined;
          const anonBefore = graph.profileOf(anon(e.previous));
          alias(e.previous, e.user);
          if (knownUser) expect(graph.profileOf(anon(e.previous))).toBe(anonBefore);
        }
        for (const profileId of graph.liveProfileIds()) expect(graph.profile(profileId).userIds.size).toBeLessThanOrEqual(1);
        for (const value of users) {
          const [current, old] = [graph.profileOf(user(value)), graph.profileOf(previous(value))];
          if (current !== undefined && old !== undefined) expect(current).toBe(old);
        }
      }),
      { numRuns: 300 },
    );
  });
});
