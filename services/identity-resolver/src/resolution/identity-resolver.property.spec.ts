import fc from 'fast-check';
import { IdentityGraph } from './identity-graph';
import { IdentityResolver } from './identity-resolver';
import { identifierKey, type Identifier } from './identifier';
import { RuleBook } from './rule-book';

/**
 * "Converges" means: the same equivalence classes of identifiers (which identifiers share a profile), whatever the
 * profile ids are. Profile ids and which profile survives may differ between orders; the partition may not.
 */
const rules = new RuleBook();
const BLOCKED_NOISE: Identifier[] = [
  { type: 'anonymous_id', value: 'anonymous' },
  { type: 'device_id', value: '00000000-0000-0000-0000-000000000000' },
  { type: 'email', value: 'null' },
  { type: 'user_id', value: 'guest' },
];

interface Person {
  identifiers: Identifier[];
}

/** People who share no identifier, each with at most one user_id and within every per-type limit. */
const peopleArb = fc.integer({ min: 1, max: 6 }).chain((count) =>
  fc.tuple(
    ...Array.from({ length: count }, (_, person) =>
      fc
        .record({
          hasUser: fc.boolean(),
          anons: fc.integer({ min: 1, max: 3 }),
          devices: fc.integer({ min: 0, max: 2 }),
          emails: fc.integer({ min: 0, max: 5 }),
          phones: fc.integer({ min: 0, max: 2 }),
        })
        .map(({ hasUser, anons, devices, emails, phones }): Person => ({
          identifiers: [
            ...(hasUser ? [{ type: 'user_id', value: `u${person}` }] : []),
            ...Array.from({ length: anons }, (_, i) => ({ type: 'anonymous_id', value: `a${person}.${i}` })),
            ...Array.from({ length: devices }, (_, i) => ({ type: 'device_id', value: `d${person}.${i}` })),
            ...Array.from({ length: emails }, (_, i) => ({ type: 'email', value: `p${person}.${i}@example.com` })),
            ...Array.from({ length: phones }, (_, i) => ({ type: 'phone', value: `+3360000${person}${i}` })),
          ],
        })),
    ),
  ),
);

/** Events: each carries a non-empty subset of one person's identifiers, sometimes with blocked noise. */
function eventsArb(people: Person[]): fc.Arbitrary<Identifier[][]> {
  const event = fc
    .integer({ min: 0, max: people.length - 1 })
    .chain((person) =>
      fc.tuple(
        fc.subarray(people[person].identifiers, { minLength: 1, maxLength: Math.min(4, people[person].identifiers.length) }),
        fc.subarray(BLOCKED_NOISE, { maxLength: 2 }),
      ),
    )
    .map(([own, noise]) => [...own, ...noise]);
  return fc.array(event, { minLength: 1, maxLength: 40 });
}

function replay(events: readonly Identifier[][]): IdentityGraph {
  const graph = new IdentityGraph();
  const resolver = new IdentityResolver(rules);
  let next = 0;
  events.forEach((identifiers, index) => resolver.resolve(identifiers, graph, { newProfileId: () => `p${++next}`, now: index }));
  return graph;
}

/** The partition as a canonical string: classes of identifier keys, each sorted, then sorted. */
function partitionOf(graph: IdentityGraph): string[] {
  const classes = new Map<string, string[]>();
  for (const { key, profileId } of graph.assignments()) {
    const members = classes.get(profileId) ?? [];
    members.push(key);
    classes.set(profileId, members);
  }
  return [...classes.values()].map((members) => members.sort().join(' | ')).sort();
}

/** What any order must give: connected components of "appeared in the same event", blocked values left out. */
function expectedComponents(events: readonly Identifier[][]): string[] {
  const parent = new Map<string, string>();
  const find = (key: string): string => {
    const up = parent.get(key)!;
    if (up === key) return key;
    const root = find(up);
    parent.set(key, root);
    return root;
  };
  for (const identifiers of events) {
    const keys = identifiers.filter((identifier) => !rules.isBlocked(identifier)).map(identifierKey);
    for (const key of keys) if (!parent.has(key)) parent.set(key, key);
    for (const key of keys.slice(1)) parent.set(find(key), find(keys[0]));
  }
  const classes = new Map<string, string[]>();
  for (const key of parent.keys()) classes.set(find(key), [...(classes.get(find(key)) ?? []), key]);
  return [...classes.values()].map((members) => members.sort().join(' | ')).sort();
}

function shuffled<T>(items: readonly T[], keys: readonly number[]): T[] {
  return items
    .map((item, index) => ({ item, key: keys[index % keys.length] ?? 0, index }))
    .sort((a, b) => a.key - b.key || a.index - b.index)
    .map(({ item }) => item);
}

describe('identity resolution (property-based)', () => {
  it('any order of the same events converges to the same partition: the connected components', () => {
    fc.assert(
      fc.property(
        peopleArb.chain((people) => fc.tuple(eventsArb(people), fc.array(fc.integer(), { minLength: 1, maxLength: 40 }))),
        ([events, orderKeys]) => {
          const expected = expectedComponents(events);
          expect(partitionOf(replay(events))).toEqual(expected);
          expect(partitionOf(replay(shuffled(events, orderKeys)))).toEqual(expected);
          expect(partitionOf(replay([...events].reverse()))).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('with shared devices and emails, no order ever puts two user_ids in one profile or breaks a limit', () => {
    const shared: Identifier[] = [
      { type: 'device_id', value: 'family-tablet' },
      { type: 'anonymous_id', value: 'kiosk' },
      { type: 'email', value: 'family@example.com' },
    ];
    const identifierArb = fc.oneof(
      fc.integer({ min: 0, max: 5 }).map((n): Identifier => ({ type: 'user_id', value: `u${n}` })),
      fc.integer({ min: 0, max: 8 }).map((n): Identifier => ({ type: 'email', value: `e${n}@example.com` })),
      fc.integer({ min: 0, max: 8 }).map((n): Identifier => ({ type: 'anonymous_id', value: `a${n}` })),
      fc.constantFrom(...shared),
    );
    fc.assert(
      fc.property(fc.array(fc.array(identifierArb, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 60 }), (events) => {
        const graph = replay(events);
        for (const profileId of graph.liveProfileIds()) {
          const profile = graph.profile(profileId);
          expect(profile.userIds.size).toBeLessThanOrEqual(1);
          expect(profile.counts.get('email') ?? 0).toBeLessThanOrEqual(5);
        }
        const userIdProfiles = graph.assignments().filter(({ key }) => key.startsWith('user_id'));
        expect(new Set(userIdProfiles.map(({ profileId }) => profileId)).size).toBe(userIdProfiles.length);
      }),
      { numRuns: 200 },
    );
  });

  it('regression: an identifier repeated on one item counts once against its limit', () => {
    const graph = replay([
      [
        { type: 'email', value: 'e0@example.com' },
        { type: 'email', value: 'e0@example.com' },
        { type: 'anonymous_id', value: 'a4' },
      ],
      ...['e1', 'e2', 'e3', 'e4', 'e5'].map((e) => [
        { type: 'anonymous_id', value: 'a4' },
        { type: 'email', value: `${e}@example.com` },
      ]),
    ]);
    expect(graph.profile(graph.liveProfileIds()[0]).counts.get('email')).toBe(5);
  });

  it('regression: a merge through an item without emails still respects the email limit', () => {
    const graph = replay([
      [
        { type: 'anonymous_id', value: 'a0' },
        { type: 'email', value: 'e0@example.com' },
      ],
      [
        { type: 'device_id', value: 'tablet' },
        ...['e1', 'e2', 'e3', 'e4', 'e5'].map((e) => ({ type: 'email', value: `${e}@example.com` })),
      ],
      [
        { type: 'device_id', value: 'tablet' },
        { type: 'anonymous_id', value: 'a0' },
      ],
    ]);
    expect(graph.liveProfileIds()).toHaveLength(2);
  });
});
