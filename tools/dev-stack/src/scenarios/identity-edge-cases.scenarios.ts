import type { Json } from '../test-support/scenario-client';
import { eventCount, identifiersOf, timeAfter, type ScenarioSuite } from '../test-support/scenario-suite';

/**
 * Identity edge cases through the whole running pipeline (gateway, validation, resolver, merger as processes on
 * the embedded broker and Postgres), asserted through the public APIs: group calls describe an account and never
 * the person, one messageId from two sources is two items, best email agrees with lookup when two accounts share
 * an email, and an alias of a known user_id renames it. Each scenario has its own people.
 */

const at = timeAfter(Date.UTC(2026, 2, 1));

export function identityEdgeCasesScenarios({ client, send }: ScenarioSuite): void {
  it("group traits are the account's, never the person's: members sharing the billing email stay apart, and the account lists them", async () => {
    await send('identify', { userId: 'u-grp-ann', traits: { email: 'ann@grp.example' }, timestamp: at(1), messageId: 'grp-ann-id' });
    await send('identify', { userId: 'u-grp-bob', traits: { email: 'bob@grp.example' }, timestamp: at(2), messageId: 'grp-bob-id' });
    await send('group', {
      userId: 'u-grp-ann',
      groupId: 'acme-grp',
      traits: { name: 'Acme', plan: 'free', email: 'billing@acme-grp.example' },
      timestamp: at(10),
      messageId: 'grp-ann-g',
    });
    await send('group', {
      userId: 'u-grp-bob',
      groupId: 'acme-grp',
      traits: { name: 'Acme', plan: 'pro', email: 'billing@acme-grp.example' },
      timestamp: at(20),
      messageId: 'grp-bob-g',
    });

    await client.waitForProfile('user_id', 'u-grp-ann', (p) => p.summary.itemCount === 2);
    const bob = await client.waitForProfile('user_id', 'u-grp-bob', (p) => p.summary.itemCount === 2);
    // read Ann again now that Bob's later group call is folded too (the two travel on different partitions)
    const ann = (await client.profileByIdentifier('user_id', 'u-grp-ann')).body;
    expect(ann.profileId).not.toBe(bob.profileId);
    for (const [person, email] of [
      [ann, 'ann@grp.example'],
      [bob, 'bob@grp.example'],
    ] as Array<[Json, string]>) {
      expect(identifiersOf(person)).not.toContain('email:billing@acme-grp.example');
      expect(person.bestEmail).toBe(email);
      expect(person.traits.email).toBe(email);
      expect(person.traits.plan).toBeUndefined();
      expect(eventCount(person, '$group')).toBe(1);
    }
    expect((await client.profileByIdentifier('email', 'billing@acme-grp.example')).status).toBe(404);
    expect((await client.identity('email', 'billing@acme-grp.example')).status).toBe(404);

    expect(ann.groups).toEqual([
      {
        groupId: 'acme-grp',
        traits: { name: 'Acme', plan: 'pro', email: 'billing@acme-grp.example' },
        traitsUpdatedAt: at(20),
        firstSeen: at(10),
        lastSeen: at(10),
      },
    ]);
    const account = await client.account('acme-grp');
    expect(account.status).toBe(200);
    expect(account.body).toMatchObject({
      groupId: 'acme-grp',
      traits: { plan: 'pro' },
      traitsUpdatedAt: at(20),
      firstSeen: at(10),
      lastSeen: at(20),
      memberCount: 2,
    });
    expect(account.body.members.map((m: Json) => m.profileId)).toEqual([bob.profileId, ann.profileId]);
    expect((await client.account('no-such-group')).status).toBe(404);
  });

  it('one messageId from two sources is two items: both counted, both on the timeline, and a split rebuilds them right', async () => {
    const second = await client.createSource('identity-edge-second-source');
    const sendSecond = (call: string, body: Json) => client.send(second.writeKey, call, body);
    await send('track', { userId: 'u-dup', event: 'Viewed', timestamp: at(100), messageId: 'dup-msg-1' });
    await sendSecond('track', { userId: 'u-dup', event: 'Viewed', timestamp: at(101), messageId: 'dup-msg-1' });
    const both = await client.waitForProfile('user_id', 'u-dup', (p) => p.summary.itemCount === 2);
    expect(eventCount(both, 'Viewed')).toBe(2);
    const timeline = await client.timeline(both.profileId);
    expect(
      timeline
        .filter((e) => e.messageId === 'dup-msg-1')
        .map((e) => e.sourceId)
        .sort(),
    ).toEqual([second.id, 'dev'].sort());

    // the same messageId again: an anonymous visit from one source, the user's own event from the other
    await send('track', { anonymousId: 'anon-dup', event: 'Browsed', timestamp: at(110), messageId: 'dup-msg-2' });
    await sendSecond('track', { userId: 'u-dup', event: 'Browsed', timestamp: at(111), messageId: 'dup-msg-2' });
    await client.waitForProfile('anonymous_id', 'anon-dup', (p) => p.summary.itemCount === 1);
    await send('identify', { userId: 'u-dup', anonymousId: 'anon-dup', timestamp: at(120), messageId: 'dup-login' });
    const merged = await client.waitForProfile('user_id', 'u-dup', (p) => p.summary.itemCount === 5);
    expect(eventCount(merged, 'Browsed')).toBe(2);

    const split = await client.split(merged.profileId, ['anonymous_id:anon-dup'], 'the visitor was someone else');
    expect(split.status).toBe(201);
    const visitor = await client.waitForProfileId(split.body.newProfileId, (p) => p.summary.itemCount === 1);
    expect((await client.timeline(visitor.profileId)).map((e) => [e.messageId, e.sourceId])).toEqual([['dup-msg-2', 'dev']]);
    const user = await client.waitForProfileId(merged.profileId, (p) => p.summary.itemCount === 4);
    expect(eventCount(user, 'Viewed')).toBe(2);
    expect(eventCount(user, 'Browsed')).toBe(1);
    expect((await client.timeline(user.profileId)).filter((e) => e.messageId === 'dup-msg-2').map((e) => e.sourceId)).toEqual([second.id]);
  });

  it('two accounts share an email: the account holding the email identifier is the one whose bestEmail it is', async () => {
    const crm = await client.createSource('identity-edge-crm');
    await client.setSourcePriority(crm.id, 1);
    await send('identify', {
      userId: 'u-shared-a',
      traits: { email: 'shared@household.example' },
      timestamp: at(200),
      messageId: 'shared-a',
    });
    const a = await client.waitForProfile('user_id', 'u-shared-a', (p) => p.summary.itemCount === 1);
    // newer, and from a priority-1 source: on observation rank alone it would take the email
    await client.send(crm.writeKey, 'identify', {
      userId: 'u-shared-b',
      traits: { email: 'shared@household.example' },
      timestamp: at(300),
      messageId: 'shared-b',
    });
    const b = await client.waitForProfile('user_id', 'u-shared-b', (p) => p.summary.itemCount === 1);

    expect(identifiersOf(a)).toContain('email:shared@household.example');
    expect(identifiersOf(b)).not.toContain('email:shared@household.example');
    const byEmail = (await client.profileByIdentifier('email', 'shared@household.example')).body;
    expect(byEmail.profileId).toBe(a.profileId);
    expect(byEmail.bestEmail).toBe('shared@household.example');
    expect((await client.profileByIdentifier('user_id', 'u-shared-b')).body.bestEmail).toBeNull();
    expect((await client.identity('email', 'shared@household.example')).body.profileId).toBe(a.profileId);
    expect(b.traits.email).toBe('shared@household.example');
  });

  it('an alias of a known user_id renames it: the new user_id, the old one as previous_user_id, logged, and found by either id', async () => {
    await send('identify', {
      userId: 'old-user',
      anonymousId: 'anon-transfer',
      traits: { firstName: 'Tess' },
      timestamp: at(400),
      messageId: 'transfer-signup',
    });
    const before = await client.waitForProfile('user_id', 'old-user', (p) => p.summary.itemCount === 1);
    await send('alias', { previousId: 'old-user', userId: 'new-user', timestamp: at(410), messageId: 'transfer-alias' });

    const renamed = await client.waitForProfile('user_id', 'new-user', (p) => p.summary.itemCount === 2);
    expect(renamed.profileId).toBe(before.profileId);
    expect(identifiersOf(renamed)).toEqual(['anonymous_id:anon-transfer', 'previous_user_id:old-user', 'user_id:new-user']);
    expect(renamed.traits['given-name']).toBe('Tess');
    expect((await client.profileByIdentifier('user_id', 'old-user')).body.profileId).toBe(before.profileId);
    expect((await client.profileByIdentifier('anonymous_id', 'old-user')).status).toBe(404);
    expect((await client.identity('user_id', 'new-user')).body.profileId).toBe(before.profileId);
    expect((await client.identity('user_id', 'old-user')).body).toMatchObject({
      profileId: before.profileId,
      heldAs: { type: 'previous_user_id', value: 'old-user' },
    });
    expect((await client.identity('anonymous_id', 'old-user')).status).toBe(404);
    const why = await client.merges(before.profileId);
    expect(why.aliases).toEqual([expect.objectContaining({ kind: 'alias', rule: 'alias_rename', causingMessageId: 'transfer-alias' })]);
    expect(why.merges).toEqual([]);

    // an old session still sending the old user_id lands on the renamed profile, not on a resurrected old user
    await send('track', { userId: 'old-user', event: 'Viewed', timestamp: at(420), messageId: 'transfer-late' });
    const after = await client.waitForProfile('user_id', 'new-user', (p) => p.summary.itemCount === 3);
    expect(identifiersOf(after)).not.toContain('user_id:old-user');
  });

  it('an email list yields each address, a root-dotted email is the same mailbox, and an impossible birthday is not kept', async () => {
    await send('identify', {
      userId: 'u-list',
      traits: { email: ['List@Example.com.', 'list@work.example'], birthday: '1990-02-30', firstName: 'Lis' },
      timestamp: at(500),
      messageId: 'email-list',
    });
    const listed = await client.waitForProfile('user_id', 'u-list', (p) => p.summary.itemCount === 1);
    expect(identifiersOf(listed)).toEqual(expect.arrayContaining(['email:list@example.com', 'email:list@work.example']));
    expect((await client.profileByIdentifier('email', 'list@work.example')).body.profileId).toBe(listed.profileId);
    expect(listed.traits['given-name']).toBe('Lis');
    expect(listed.traits.birthdate).toBeUndefined();

    // another device sends the fully qualified form of the same address: it lands on the same person
    await send('track', {
      anonymousId: 'anon-dotted',
      event: 'Viewed',
      context: { traits: { email: 'LIST@example.com.' } },
      timestamp: at(510),
      messageId: 'email-dotted',
    });
    const joined = await client.waitForProfile('user_id', 'u-list', (p) => p.summary.itemCount === 2);
    expect(joined.profileId).toBe(listed.profileId);
    expect(identifiersOf(joined)).toContain('anonymous_id:anon-dotted');
    expect(identifiersOf(joined).filter((identifier) => identifier.startsWith('email:'))).toEqual([
      'email:list@example.com',
      'email:list@work.example',
    ]);
  });
}
