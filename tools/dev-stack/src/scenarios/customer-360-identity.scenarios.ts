import { eventCount, identifiersOf, timeAfter, type ScenarioSuite } from '../test-support/scenario-suite';

/**
 * Customer 360 scenarios through the whole running pipeline: HTTP into the ingest gateway, then validation,
 * the identity resolver and the profile merger as real processes on the embedded broker and Postgres.
 * Every assertion reads a public HTTP API. One pipeline serves every scenario; each scenario has its own
 * people (user ids, anonymous ids, emails), so they never see each other's data.
 * This file holds the identity half (anonymous carry-over, merges, shared devices, blocked values);
 * customer-360-profiles.scenarios.ts the profile half (priorities, connector records, aliases, order, splits).
 */

const at = timeAfter(Date.UTC(2026, 0, 1));

export function customer360IdentityScenarios({ client, send }: ScenarioSuite): void {
  it('an anonymous visitor signs up: the anonymous history carries over to the one profile', async () => {
    const anon = 'anon-signup';
    await send('page', { anonymousId: anon, name: 'Home', timestamp: at(0), messageId: 'signup-page' });
    await send('track', { anonymousId: anon, event: 'Product Viewed', timestamp: at(1), messageId: 'signup-view-1' });
    await send('track', { anonymousId: anon, event: 'Product Viewed', timestamp: at(2), messageId: 'signup-view-2' });
    await send('identify', {
      anonymousId: anon,
      userId: 'u-signup',
      traits: { email: ' Signup@Example.com ', firstName: 'Sam' },
      timestamp: at(3),
      messageId: 'signup-identify',
    });
    await send('track', {
      userId: 'u-signup',
      event: 'Order Completed',
      properties: { revenue: 30, currency: 'USD', order_id: 'o-1' },
      timestamp: at(4),
      messageId: 'signup-order',
    });

    const profile = await client.waitForProfile('user_id', 'u-signup', (p) => p.summary.itemCount === 5);
    expect(profile.summary.eventCounts).toEqual({
      $page: { count: 1, firstAt: at(0), lastAt: at(0) },
      'Product Viewed': { count: 2, firstAt: at(1), lastAt: at(2) },
      $identify: { count: 1, firstAt: at(3), lastAt: at(3) },
      'Order Completed': { count: 1, firstAt: at(4), lastAt: at(4) },
    });
    expect(profile.summary).toMatchObject({ firstSeen: at(0), lastSeen: at(4) });
    expect(profile.transactions).toMatchObject({ revenueTotal: 30, orderCount: 1 });
    expect(profile).toMatchObject({ bestEmail: 'signup@example.com', traits: { 'given-name': 'Sam', email: 'signup@example.com' } });
    expect(identifiersOf(profile)).toEqual(
      expect.arrayContaining(['anonymous_id:anon-signup', 'user_id:u-signup', 'email:signup@example.com']),
    );
    // the anonymous id and the email lead to the same profile, and its timeline holds the anonymous history
    expect((await client.profileByIdentifier('anonymous_id', anon)).body.profileId).toBe(profile.profileId);
    expect((await client.profileByIdentifier('email', 'signup@example.com')).body.profileId).toBe(profile.profileId);
    const timeline = await client.timeline(profile.profileId);
    expect(timeline.map((e) => e.messageId)).toEqual(['signup-order', 'signup-identify', 'signup-view-2', 'signup-view-1', 'signup-page']);
    // An SDK retry of the order (same messageId) counts once; the call after it shows the retry had its turn.
    await send('track', {
      userId: 'u-signup',
      event: 'Order Completed',
      properties: { revenue: 30, currency: 'USD', order_id: 'o-1' },
      timestamp: at(4),
      messageId: 'signup-order',
    });
    await send('track', { userId: 'u-signup', event: 'Product Viewed', timestamp: at(5), messageId: 'signup-view-3' });
    const afterRetry = await client.waitForProfile('user_id', 'u-signup', (p) => eventCount(p, 'Product Viewed') === 3);
    expect(afterRetry.summary.itemCount).toBe(6);
    expect(afterRetry.transactions).toMatchObject({ revenueTotal: 30, orderCount: 1 });
  });

  it('one person on two devices: the two anonymous profiles merge at login, and the merge log says why', async () => {
    const viewed = (anon: string, n: number, seconds: number) =>
      send('track', {
        anonymousId: anon,
        event: 'Product Viewed',
        properties: { n },
        timestamp: at(seconds),
        messageId: `${anon}-view-${n}`,
      });
    await viewed('anon-phone', 1, 10);
    await viewed('anon-phone', 2, 11);
    await viewed('anon-laptop', 1, 20);
    await viewed('anon-laptop', 2, 21);
    await viewed('anon-laptop', 3, 22);
    // Both devices are known as separate visitors before the person logs in on either.
    const phone = await client.waitForProfile('anonymous_id', 'anon-phone', (p) => p.summary.itemCount === 2);
    const laptop = await client.waitForProfile('anonymous_id', 'anon-laptop', (p) => p.summary.itemCount === 3);
    expect(phone.profileId).not.toBe(laptop.profileId);

    await send('identify', {
      anonymousId: 'anon-phone',
      userId: 'u-two-devices',
      traits: { firstName: 'Dee' },
      timestamp: at(30),
      messageId: 'login-phone',
    });
    await client.waitForProfile('user_id', 'u-two-devices', (p) => p.summary.itemCount === 3);
    await send('identify', { anonymousId: 'anon-laptop', userId: 'u-two-devices', timestamp: at(40), messageId: 'login-laptop' });

    const merged = await client.waitForProfile('user_id', 'u-two-devices', (p) => p.summary.itemCount === 7);
    expect(eventCount(merged, 'Product Viewed')).toBe(5);
    expect(eventCount(merged, '$identify')).toBe(2);
    expect(merged.summary).toMatchObject({ firstSeen: at(10), lastSeen: at(40) });
    expect(identifiersOf(merged)).toEqual(['anonymous_id:anon-laptop', 'anonymous_id:anon-phone', 'user_id:u-two-devices']);
    const absorbedId = merged.profileId === phone.profileId ? laptop.profileId : phone.profileId;
    expect([phone.profileId, laptop.profileId]).toContain(merged.profileId);
    // one timeline: both devices' browsing and both logins, newest first
    expect((await client.timeline(merged.profileId)).map((e) => e.messageId)).toEqual([
      'login-laptop',
      'login-phone',
      'anon-laptop-view-3',
      'anon-laptop-view-2',
      'anon-laptop-view-1',
      'anon-phone-view-2',
      'anon-phone-view-1',
    ]);
    // the absorbed profile redirects to the survivor
    expect((await client.profile(absorbedId)).body).toMatchObject({ profileId: merged.profileId, redirectedFrom: absorbedId });

    const why = await client.merges(merged.profileId);
    expect(why.merges).toHaveLength(1);
    expect(why.merges[0]).toMatchObject({
      kind: 'merge',
      survivorProfileId: merged.profileId,
      absorbedProfileId: absorbedId,
      causingMessageId: 'login-laptop',
      rule: expect.stringMatching(/^shared_identifier:(user_id|anonymous_id)$/),
    });
    expect(why.merges[0].identifiers).toEqual(
      expect.arrayContaining([
        { type: 'user_id', value: 'u-two-devices' },
        { type: 'anonymous_id', value: 'anon-laptop' },
      ]),
    );
    // asked about the absorbed id, the resolver explains the survivor
    expect(await client.merges(absorbedId)).toMatchObject({
      profileId: merged.profileId,
      requestedProfileId: absorbedId,
      mergedInto: merged.profileId,
    });
  });

  it('a shared family tablet: three users logging in on one device stay three people; a fourth makes its ids stop linking', async () => {
    const tablet = { anonymousId: 'anon-family-tablet', context: { device: { id: 'device-family-tablet' } } };
    await send('track', { ...tablet, event: 'App Opened', timestamp: at(50), messageId: 'tablet-open' });
    await client.waitForProfile('anonymous_id', 'anon-family-tablet', (p) => p.summary.itemCount === 1);
    const users = ['u-mum', 'u-dad', 'u-kid'];
    for (const [index, userId] of users.entries()) {
      await send('identify', {
        ...tablet,
        userId,
        traits: { firstName: userId.slice(2) },
        timestamp: at(60 + index),
        messageId: `tablet-login-${userId}`,
      });
      await send('track', { ...tablet, userId, event: 'Video Played', timestamp: at(70 + index), messageId: `tablet-play-${userId}` });
    }

    const profiles = await Promise.all(
      users.map((userId) => client.waitForProfile('user_id', userId, (p) => eventCount(p, 'Video Played') === 1)),
    );
    expect(new Set(profiles.map((p) => p.profileId)).size).toBe(3);
    for (const [index, profile] of profiles.entries()) {
      expect(identifiersOf(profile).filter((id) => id.startsWith('user_id:'))).toEqual([`user_id:${users[index]}`]);
      expect(profile.traits['given-name']).toBe(users[index].slice(2));
      expect(eventCount(profile, '$identify')).toBe(1);
      expect((await client.merges(profile.profileId)).merges).toEqual([]);
    }
    // The tablet's identifiers belong to exactly one of them (whoever logged in first), never to several.
    const holder = (await client.profileByIdentifier('anonymous_id', 'anon-family-tablet')).body.profileId;
    expect(profiles.filter((p) => identifiersOf(p).includes('anonymous_id:anon-family-tablet')).map((p) => p.profileId)).toEqual([holder]);
    expect(profiles.filter((p) => identifiersOf(p).includes('device_id:device-family-tablet'))).toHaveLength(1);

    // A fourth user puts the tablet over the shared-value threshold (3 distinct user_ids): its ids stop linking.
    await send('identify', { ...tablet, userId: 'u-gran', timestamp: at(80), messageId: 'tablet-login-u-gran' });
    const gran = await client.waitForProfile('user_id', 'u-gran', (p) => p.summary.itemCount === 1);
    expect(identifiersOf(gran)).toEqual(['user_id:u-gran']);
    const suspects = await client.waitForMatch(
      () => client.suspectValues(),
      (v) => v.value === 'anon-family-tablet',
    );
    expect(suspects).toMatchObject({ type: 'anonymous_id', distinctUserIds: 4, causingMessageId: 'tablet-login-u-gran' });
    // an anonymous event on it can no longer be given to anyone: dead-lettered, replayable after a rule change
    await send('track', { ...tablet, event: 'App Opened', timestamp: at(90), messageId: 'tablet-open-later' });
    const rejected = await client.waitForMatch(
      () => client.rejections('dev'),
      (r) => r.messageId === 'tablet-open-later',
    );
    expect(rejected).toMatchObject({ reason: 'blocked_identifier', service: 'identity-resolver' });
    expect((await client.profileByIdentifier('anonymous_id', 'anon-family-tablet')).body.summary.eventCounts['App Opened'].count).toBe(1);
  });

  it('two accounts with the same email and different user_ids are not merged', async () => {
    await send('identify', {
      userId: 'u-account-a',
      traits: { email: 'family@example.com', firstName: 'Alex' },
      timestamp: at(100),
      messageId: 'family-a',
    });
    await client.waitForProfile('user_id', 'u-account-a', (p) => p.summary.itemCount === 1);
    await send('identify', {
      userId: 'u-account-b',
      traits: { email: 'family@example.com', firstName: 'Bo' },
      timestamp: at(101),
      messageId: 'family-b',
    });

    const b = await client.waitForProfile('user_id', 'u-account-b', (p) => p.summary.itemCount === 1);
    const a = (await client.profileByIdentifier('user_id', 'u-account-a')).body;
    expect(a.profileId).not.toBe(b.profileId);
    expect(a.traits['given-name']).toBe('Alex');
    expect(b.traits['given-name']).toBe('Bo');
    expect(identifiersOf(a)).toContain('email:family@example.com');
    expect(identifiersOf(b)).not.toContain('email:family@example.com');
    // the resolver dropped the email on the second account and says why
    const decisions = (await client.merges(b.profileId)).decisions;
    expect(decisions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ messageId: 'family-b', type: 'email', value: 'family@example.com', reason: 'conflicting_user_id' }),
      ]),
    );
    expect((await client.merges(a.profileId)).merges).toEqual([]);
    // Best email is 1:1: only one of the two accounts owns it (both observed it, as a trait; the newer one wins).
    expect([a.bestEmail, b.bestEmail].filter((email) => email === 'family@example.com')).toHaveLength(1);
    expect(a.traits.email).toBe('family@example.com');
    expect(b.traits.email).toBe('family@example.com');
  });

  it('a blocked value such as "anonymous" never links profiles', async () => {
    // Two different visitors whose SDK filled the device and advertising ids with placeholders.
    const placeholders = { device: { id: 'anonymous', advertisingId: '00000000-0000-0000-0000-000000000000' } };
    await send('track', {
      anonymousId: 'anon-blocked-1',
      event: 'App Opened',
      context: placeholders,
      timestamp: at(200),
      messageId: 'blocked-1',
    });
    await send('track', {
      anonymousId: 'anon-blocked-2',
      event: 'App Opened',
      context: placeholders,
      timestamp: at(201),
      messageId: 'blocked-2',
    });
    // Two signed-up users whose email trait is the placeholder: each keeps his own profile.
    await send('identify', { userId: 'u-blocked-3', traits: { email: 'null' }, timestamp: at(202), messageId: 'blocked-3' });
    await send('identify', { anonymousId: 'anon-blocked-4', traits: { email: 'null' }, timestamp: at(203), messageId: 'blocked-4' });
    // A call whose only identifier is the placeholder itself is refused by validation, with a typed reason.
    await send('track', { anonymousId: 'anonymous', event: 'App Opened', timestamp: at(204), messageId: 'blocked-5' });

    const one = await client.waitForProfile('anonymous_id', 'anon-blocked-1', (p) => p.summary.itemCount === 1);
    const two = await client.waitForProfile('anonymous_id', 'anon-blocked-2', (p) => p.summary.itemCount === 1);
    const three = await client.waitForProfile('user_id', 'u-blocked-3', (p) => p.summary.itemCount === 1);
    const four = await client.waitForProfile('anonymous_id', 'anon-blocked-4', (p) => p.summary.itemCount === 1);
    expect(new Set([one, two, three, four].map((p) => p.profileId)).size).toBe(4);
    expect(identifiersOf(one)).toEqual(['anonymous_id:anon-blocked-1']);
    expect(identifiersOf(three)).toEqual(['user_id:u-blocked-3']);
    for (const [type, value] of [
      ['device_id', 'anonymous'],
      ['advertising_id', '00000000-0000-0000-0000-000000000000'],
      ['email', 'null'],
      ['anonymous_id', 'anonymous'],
    ]) {
      expect({ type, value, status: (await client.profileByIdentifier(type, value)).status }).toEqual({ type, value, status: 404 });
      expect({ type, value, status: (await client.identity(type, value)).status }).toEqual({ type, value, status: 404 });
    }
    const rejected = await client.waitForMatch(
      () => client.rejections('dev'),
      (r) => r.messageId === 'blocked-5',
    );
    expect(rejected).toMatchObject({ reason: 'missing_identity', service: 'validation' });
  });
}
