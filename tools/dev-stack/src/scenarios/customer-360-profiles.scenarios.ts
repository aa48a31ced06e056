import { createHash } from 'node:crypto';
import type { Json } from '../test-support/scenario-client';
import { eventCount, identifiersOf, timeAfter, type ScenarioSuite } from '../test-support/scenario-suite';

/**
 * Customer 360 scenarios through the whole running pipeline: HTTP into the ingest gateway, then validation,
 * the identity resolver and the profile merger as real processes on the embedded broker and Postgres.
 * Every assertion reads a public HTTP API. One pipeline serves every scenario; each scenario has its own
 * people (user ids, anonymous ids, emails), so they never see each other's data.
 * This file holds the profile half (priorities, connector records, aliases, order, splits);
 * customer-360-identity.scenarios.ts the identity half (anonymous carry-over, merges, shared devices, blocked values).
 */

const at = timeAfter(Date.UTC(2026, 0, 1));

export function customer360ProfilesScenarios({ client, send }: ScenarioSuite): void {
  it('a CRM record (priority 1) beats a web identify (priority 5) on given-name; a newer web identify wins plan, where web has field priority', async () => {
    const crm = await client.createSource('crm');
    const web = await client.createSource('web');
    await client.setSourcePriority(crm.id, 1);
    await client.setSourcePriority(web.id, 5, { plan: 1 });

    await client.sendRecords(crm.writeKey, {
      mapping: { Email: 'email', CustomerNo: 'user_id', First: 'given-name' },
      records: [
        {
          recordId: 'crm-contact-jane',
          objectType: 'contact',
          observedAt: at(300),
          attributes: { Email: 'jane@example.com', CustomerNo: 'u-jane', First: 'Jane', plan: 'enterprise' },
        },
      ],
    });
    await client.send(web.writeKey, 'identify', {
      userId: 'u-jane',
      traits: { firstName: 'Janey', plan: 'pro' },
      timestamp: at(400),
      messageId: 'jane-web',
    });

    const jane = await client.waitForProfile('user_id', 'u-jane', (p) => p.summary.itemCount === 2);
    expect(jane.traits).toMatchObject({ 'given-name': 'Jane', plan: 'pro', email: 'jane@example.com' });
    expect(jane.traitProvenance['given-name']).toMatchObject({ sourceId: crm.id, priority: 1 });
    expect(jane.traitProvenance.plan).toMatchObject({ sourceId: web.id, priority: 1, messageId: 'jane-web', occurredAt: at(400) });
    expect(eventCount(jane, '$record:contact')).toBe(1);
    // an older web identify does not take plan back: same field priority, and the newest wins
    await client.send(web.writeKey, 'identify', {
      userId: 'u-jane',
      traits: { plan: 'free' },
      timestamp: at(350),
      messageId: 'jane-web-old',
    });
    const after = await client.waitForProfile('user_id', 'u-jane', (p) => p.summary.itemCount === 3);
    expect(after.traits).toMatchObject({ 'given-name': 'Jane', plan: 'pro' });
  });

  it('connector records and web calls meet on one person: a changed CRM email, a hashed email and a formatted phone', async () => {
    const crm = await client.createSource('crm-contacts');
    const ads = await client.createSource('ads-audiences');
    const contact = (email: string, seconds: number) => ({
      recordId: 'crm-contact-kim',
      objectType: 'contact',
      observedAt: at(seconds),
      attributes: { Id: 'C-KIM', Email: email, Phone: '+1 (415) 555-0142', Name: 'Kim' },
    });
    const mapping = { Id: 'crm_id', Email: 'email', Phone: 'phone', Name: 'given-name' };
    await client.sendRecords(crm.writeKey, { mapping, records: [contact('kim.old@example.com', 700)] });
    await client.waitForProfile('crm_id', 'C-KIM', (p) => p.summary.itemCount === 1);
    // the web app knows Kim by user id, with the phone typed differently
    await send('identify', {
      userId: 'u-kim',
      traits: { phone: '+14155550142', email: 'KIM.OLD@example.com' },
      timestamp: at(710),
      messageId: 'kim-web',
    });
    // the CRM contact later changes its email: the record id keeps it on the same person
    await client.sendRecords(crm.writeKey, { mapping, records: [contact('kim.new@example.com', 720)] });
    // an audience export that only knows the SHA-256 of the new email
    const hash = createHash('sha256').update('kim.new@example.com').digest('hex');
    await client.sendRecords(ads.writeKey, {
      mapping: { EmailHash: 'email_sha256' },
      records: [
        { recordId: 'aud-1', objectType: 'audience_member', observedAt: at(730), attributes: { EmailHash: hash, Segment: 'high-value' } },
      ],
    });

    const kim = await client.waitForProfile('user_id', 'u-kim', (p) => p.summary.itemCount === 4);
    expect(identifiersOf(kim)).toEqual(
      expect.arrayContaining([
        'crm_id:C-KIM',
        'user_id:u-kim',
        'phone:+14155550142',
        'email:kim.old@example.com',
        'email:kim.new@example.com',
        `email_sha256:${hash}`,
      ]),
    );
    expect(kim.summary.eventCounts).toMatchObject({
      '$record:contact': { count: 2 },
      '$record:audience_member': { count: 1 },
      $identify: { count: 1 },
    });
    expect(kim.traits).toMatchObject({ 'given-name': 'Kim', phone: '+14155550142', Segment: 'high-value' });
    for (const [type, value] of [
      ['crm_id', 'C-KIM'],
      ['email', 'kim.new@example.com'],
      ['email_sha256', hash],
      ['phone', '+14155550142'],
    ]) {
      expect({ type, value, profileId: (await client.profileByIdentifier(type, value)).body.profileId }).toEqual({
        type,
        value,
        profileId: kim.profileId,
      });
    }
    // a phone typed into a URL unencoded: its `+` arrives as a space, in the merger as in the resolver
    expect((await client.profileByRawQuery('identifier=phone:+14155550142')).body.profileId).toBe(kim.profileId);
    // the number as people write it: spaces, brackets, dashes
    expect((await client.profileByIdentifier('phone', '+1 (415) 555-0142')).body.profileId).toBe(kim.profileId);
  });

  it('Segment externalIds and a connector id:<type> tag are one identifier, found by type:value in both APIs', async () => {
    const crm = await client.createSource('crm-accounts');
    const externalIds = [{ id: 'GA1.2.345', type: 'ga_client_id', collection: 'users', encoding: 'none' }];
    await send('identify', {
      userId: 'u-external',
      traits: { firstName: 'Eve' },
      context: { externalIds },
      timestamp: at(740),
      messageId: 'external-web',
    });
    await client.waitForProfile('user_id', 'u-external', (p) => p.summary.itemCount === 1);
    await client.sendRecords(crm.writeKey, {
      mapping: { Ga: 'id:ga_client_id' },
      records: [{ recordId: 'acct-eve', objectType: 'account', observedAt: at(750), attributes: { Ga: 'GA1.2.345', Tier: 'gold' } }],
    });

    const eve = await client.waitForProfile('user_id', 'u-external', (p) => p.summary.itemCount === 2);
    // the merger lists the identifier as the resolver does: type external:ga_client_id
    expect(eve.identifiers).toContainEqual({ type: 'external:ga_client_id', value: 'GA1.2.345' });
    expect((await client.resolverIdentifiers(eve.profileId)).map((i: Json) => `${i.type}:${i.value}`).sort()).toEqual(identifiersOf(eve));
    expect(eve.traits).toMatchObject({ 'given-name': 'Eve', Tier: 'gold' });
    expect((await client.identity('external:ga_client_id', 'GA1.2.345')).body.profileId).toBe(eve.profileId);
    const byExternalId = await client.profileByIdentifier('external:ga_client_id', 'GA1.2.345');
    expect({ status: byExternalId.status, profileId: byExternalId.body.profileId }).toEqual({ status: 200, profileId: eve.profileId });
  });

  it('an alias call ties the pre-signup visitor to the new user, like an identify', async () => {
    await send('track', { anonymousId: 'anon-alias', event: 'Pricing Viewed', timestamp: at(800), messageId: 'alias-view' });
    await client.waitForProfile('anonymous_id', 'anon-alias', (p) => p.summary.itemCount === 1);
    await send('track', { userId: 'u-alias', event: 'Signed Up', timestamp: at(810), messageId: 'alias-signup' });
    await client.waitForProfile('user_id', 'u-alias', (p) => p.summary.itemCount === 1);
    await send('alias', { userId: 'u-alias', previousId: 'anon-alias', timestamp: at(811), messageId: 'alias-call' });

    const merged = await client.waitForProfile('user_id', 'u-alias', (p) => p.summary.itemCount === 3);
    expect(merged.summary.eventCounts).toMatchObject({ 'Pricing Viewed': { count: 1 }, 'Signed Up': { count: 1 }, $alias: { count: 1 } });
    expect((await client.profileByIdentifier('anonymous_id', 'anon-alias')).body.profileId).toBe(merged.profileId);
    expect((await client.merges(merged.profileId)).merges).toEqual([
      expect.objectContaining({ kind: 'merge', causingMessageId: 'alias-call' }),
    ]);
  });

  it('out-of-order events give the same profile as in-order events', async () => {
    const history = (userId: string) => [
      {
        type: 'identify',
        userId,
        traits: { firstName: 'Ann', $set_once: { signup_source: 'ad' } },
        timestamp: at(500),
        messageId: `${userId}-1`,
      },
      {
        type: 'track',
        userId,
        event: 'Order Completed',
        properties: { revenue: 12.5, currency: 'EUR', order_id: 'o1' },
        context: { campaign: { source: 'google', name: 'spring' } },
        timestamp: at(510),
        messageId: `${userId}-2`,
      },
      {
        type: 'identify',
        userId,
        traits: { firstName: 'Anne', nickname: 'annie', $set_once: { signup_source: 'late' } },
        timestamp: at(520),
        messageId: `${userId}-3`,
      },
      { type: 'identify', userId, traits: { $unset: ['nickname'] }, timestamp: at(525), messageId: `${userId}-4` },
      {
        type: 'track',
        userId,
        event: 'Order Completed',
        properties: { revenue: 7.25, currency: 'EUR', order_id: 'o2' },
        timestamp: at(530),
        messageId: `${userId}-5`,
      },
      {
        type: 'page',
        userId,
        name: 'Thanks',
        context: { page: { url: 'https://shop.example.com/?utm_source=newsletter&utm_medium=email' } },
        timestamp: at(540),
        messageId: `${userId}-6`,
      },
    ];
    await send('batch', { batch: history('u-in-order') });
    // the same history, newest first, and one call per request
    for (const call of history('u-out-of-order').reverse()) await send(call.type, call);

    const done = (p: Json) => p.summary.itemCount === 6;
    const inOrder = await client.waitForProfile('user_id', 'u-in-order', done);
    const outOfOrder = await client.waitForProfile('user_id', 'u-out-of-order', done);
    const comparable = (p: Json) => ({
      traits: p.traits,
      summary: p.summary,
      revenueTotal: p.transactions.revenueTotal,
      orderCount: p.transactions.orderCount,
      lastOrderId: p.transactions.lastOrder?.orderId,
      campaigns: { touchCount: p.campaigns.touchCount, first: p.campaigns.firstTouch?.source, last: p.campaigns.lastTouch?.source },
    });
    expect(comparable(outOfOrder)).toEqual(comparable(inOrder));
    expect(inOrder.traits).toEqual({ 'given-name': 'Anne', signup_source: 'ad' });
    // EUR orders: kept in EUR; with no EUR rate in the table they stay out of the USD lifetime value, flagged
    expect(inOrder.transactions).toMatchObject({
      byCurrency: { EUR: { net: 19.75 } },
      flags: ['missing_rate:EUR'],
      orderCount: 2,
      lastOrder: { orderId: 'o2' },
    });
    expect(inOrder.campaigns).toMatchObject({ touchCount: 2, firstTouch: { source: 'google' }, lastTouch: { source: 'newsletter' } });
  });

  it('a split undoes a wrong merge, and the merger rebuilds both profiles', async () => {
    // Bea browses anonymously on her own laptop; Al signs in on it once, which wrongly makes them one person.
    await send('identify', { userId: 'u-al', traits: { firstName: 'Al' }, timestamp: at(600), messageId: 'al-signup' });
    await send('track', {
      userId: 'u-al',
      event: 'Order Completed',
      properties: { revenue: 5, order_id: 'al-o1' },
      timestamp: at(601),
      messageId: 'al-order',
    });
    const al = await client.waitForProfile('user_id', 'u-al', (p) => p.summary.itemCount === 2);
    const beaBrowser = {
      anonymousId: 'anon-bea',
      context: { externalIds: [{ id: 'GA-bea', type: 'ga_client_id', collection: 'users', encoding: 'none' }] },
    };
    await send('track', { ...beaBrowser, event: 'Product Viewed', timestamp: at(610), messageId: 'bea-view-1' });
    await send('track', { ...beaBrowser, event: 'Product Viewed', timestamp: at(611), messageId: 'bea-view-2' });
    await client.waitForProfile('anonymous_id', 'anon-bea', (p) => p.summary.itemCount === 2);
    await send('track', { ...beaBrowser, userId: 'u-al', event: 'Signed In', timestamp: at(620), messageId: 'al-on-bea-laptop' });

    const wrong = await client.waitForProfile('user_id', 'u-al', (p) => p.summary.itemCount === 5);
    expect(eventCount(wrong, 'Product Viewed')).toBe(2);
    // the oldest profile survives the merge: Al's
    const survivorId: string = wrong.profileId;
    expect(survivorId).toBe(al.profileId);
    expect((await client.merges(survivorId)).merges).toHaveLength(1);

    const split = await client.split(
      survivorId,
      ['anonymous_id:anon-bea', 'external:ga_client_id:GA-bea'],
      'support ticket 7: Bea is not Al',
    );
    expect(split.status).toBe(201);
    expect(split.body).toMatchObject({ profileId: survivorId });
    expect(split.body.identifiers).toEqual(
      expect.arrayContaining([
        { type: 'anonymous_id', value: 'anon-bea' },
        { type: 'external:ga_client_id', value: 'GA-bea' },
      ]),
    );
    expect([...split.body.movedMessageIds].sort()).toEqual(['bea-view-1', 'bea-view-2']);
    const beaId: string = split.body.newProfileId;

    // Al keeps his own history and the sign-in that caused the wrong merge; Bea gets her browsing back.
    const alAfter = await client.waitForProfileId(survivorId, (p) => p.summary.itemCount === 3);
    expect(alAfter.summary.eventCounts).toEqual({
      $identify: expect.objectContaining({ count: 1 }),
      'Order Completed': expect.objectContaining({ count: 1 }),
      'Signed In': expect.objectContaining({ count: 1 }),
    });
    expect(alAfter.traits['given-name']).toBe('Al');
    expect(identifiersOf(alAfter)).toEqual(['user_id:u-al']);
    const bea = await client.waitForProfileId(beaId, (p) => p.summary.itemCount === 2);
    expect(bea).toMatchObject({ status: 'active', transactions: { orderCount: 0 } });
    expect(bea.summary.eventCounts).toEqual({ 'Product Viewed': { count: 2, firstAt: at(610), lastAt: at(611) } });
    expect((await client.profileByIdentifier('anonymous_id', 'anon-bea')).body.profileId).toBe(beaId);
    expect((await client.identity('anonymous_id', 'anon-bea')).body.profileId).toBe(beaId);
    expect((await client.profileByIdentifier('external:ga_client_id', 'GA-bea')).body.profileId).toBe(beaId);
    expect(identifiersOf(bea)).toEqual(['anonymous_id:anon-bea', 'external:ga_client_id:GA-bea']);
    expect((await client.timeline(beaId)).map((e) => e.messageId)).toEqual(['bea-view-2', 'bea-view-1']);
    expect((await client.timeline(survivorId)).map((e) => e.messageId)).toEqual(['al-on-bea-laptop', 'al-order', 'al-signup']);
    expect((await client.merges(survivorId)).splits).toEqual([
      expect.objectContaining({
        kind: 'split',
        survivorProfileId: survivorId,
        absorbedProfileId: beaId,
        rule: 'manual_split',
        detail: 'support ticket 7: Bea is not Al',
      }),
    ]);

    // A split is final: Bea's next visit stays hers, and Al signing in on her laptop again does not re-merge them.
    await send('track', { anonymousId: 'anon-bea', event: 'Product Viewed', timestamp: at(630), messageId: 'bea-view-3' });
    await send('track', { ...beaBrowser, userId: 'u-al', event: 'Signed In', timestamp: at(640), messageId: 'al-on-bea-laptop-again' });
    await client.waitForProfileId(beaId, (p) => eventCount(p, 'Product Viewed') === 3);
    const alFinal = await client.waitForProfileId(survivorId, (p) => eventCount(p, 'Signed In') === 2);
    expect(alFinal.profileId).toBe(survivorId);
    expect(eventCount(alFinal, 'Product Viewed')).toBeUndefined();

    // Another split of Al's profile rebuilds it from its items again, the wrong sign-in among them: what the first
    // split moved to Bea stays hers.
    await send('track', { anonymousId: 'anon-al-phone', event: 'App Opened', timestamp: at(650), messageId: 'al-phone-open' });
    await client.waitForProfile('anonymous_id', 'anon-al-phone', (p) => p.summary.itemCount === 1);
    await send('track', {
      userId: 'u-al',
      anonymousId: 'anon-al-phone',
      event: 'Signed In',
      timestamp: at(660),
      messageId: 'al-phone-login',
    });
    await client.waitForProfileId(survivorId, (p) => eventCount(p, 'App Opened') === 1 && eventCount(p, 'Signed In') === 3);
    const second = await client.split(survivorId, ['anonymous_id:anon-al-phone'], 'support ticket 8');
    expect(second.status).toBe(201);
    expect(second.body.movedMessageIds).toEqual(['al-phone-open']);
    await client.waitForProfileId(second.body.newProfileId, (p) => p.summary.itemCount === 1);
    const alAgain = await client.waitForProfileId(survivorId, (p) => eventCount(p, 'App Opened') === undefined);
    expect(identifiersOf(alAgain)).toEqual(['user_id:u-al']);
    expect((await client.profileByIdentifier('anonymous_id', 'anon-bea')).body.profileId).toBe(beaId);
    expect((await client.profileByIdentifier('external:ga_client_id', 'GA-bea')).body.profileId).toBe(beaId);
  });
}
