import { decode, TOPIC_SPECS, Topics, type ProfileChange } from '@tessera/contracts';
import { createTestSchema, createTestTopics, startTestBroker, type TestBroker, type TestSchema, eventually } from '@tessera/testing';
import { startServiceForTest, type RunningService } from '@tessera/service-kit';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { AppModule } from '../app.module';
import { identifyItem, recordItem, trackItem } from '../test-support/test-items.fixture';
import { MergerHarness, type JsonBody } from '../test-support/merger-harness';

const T0 = Date.UTC(2026, 0, 1);

describe('profile-merger on the embedded broker and Postgres, through HTTP', () => {
  let schema: TestSchema;
  let broker: TestBroker;
  let service: RunningService;
  let harness: MergerHarness;
  let tail: Consumer;
  const changes: ProfileChange[] = [];

  beforeAll(async () => {
    broker = await startTestBroker();
    await createTestTopics(
      broker.brokers,
      TOPIC_SPECS.map((spec) => ({ topic: spec.name, numPartitions: spec.partitions })),
    );
    schema = await createTestSchema('profile_merger_it');
    service = await startServiceForTest(AppModule, 'profile-merger', {
      databaseUrl: schema.url,
      schema: schema.schema,
      kafkaBrokers: broker.brokers.join(','),
    });
    harness = new MergerHarness(broker.brokers, service.url);
    await harness.start();
    tail = new Kafka({ clientId: 'merger-test-tail', brokers: broker.brokers, logLevel: logLevel.NOTHING }).consumer({
      groupId: 'merger-test-tail',
    });
    await tail.connect();
    await tail.subscribe({ topic: Topics.ProfilesChanged, fromBeginning: true });
    await tail.run({ eachMessage: async ({ message }) => void changes.push(decode(Topics.ProfilesChanged, message.value as Buffer)) });
    expect((await harness.admin('PUT', '/v1/priorities/sources/crm', { priority: 1 })).status).toBe(200);
    expect((await harness.admin('PUT', '/v1/priorities/sources/web', { priority: 5, fields: { plan: 1 } })).status).toBe(200);
    // The fixtures' orders are in EUR: reported in EUR, revenueTotal is their plain sum.
    expect((await harness.admin('PUT', '/v1/currency-rates', { reportingCurrency: 'EUR', rates: [] })).status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await tail?.disconnect();
    await harness?.stop();
    await service?.close();
    await schema?.drop();
    await broker?.stop();
  });

  it('keeps priorities behind the admin token', async () => {
    expect((await fetch(`${service.url}/v1/priorities`)).status).toBe(401);
    const listed = (await (await harness.admin('GET', '/v1/priorities')).json()) as { sources: unknown[] };
    expect(listed.sources).toEqual([
      { sourceId: 'crm', priority: 1, fields: {} },
      { sourceId: 'web', priority: 5, fields: { plan: 1 } },
    ]);
    expect((await harness.admin('PUT', '/v1/priorities/sources/x', { priority: 0 })).status).toBe(400);
  });

  it('serves its admin routes under /v1 only, as every service does', async () => {
    expect((await harness.admin('GET', '/admin/priorities')).status).toBe(404);
    expect((await harness.admin('GET', '/admin/currency-rates')).status).toBe(404);
    expect((await harness.admin('GET', '/v1/currency-rates')).status).toBe(200);
  });

  it('a CRM record (priority 1) beats a web identify (priority 5) on given-name; a newer web identify wins plan, where web has field priority', async () => {
    await harness.sendItems([
      recordItem({
        profileId: 'p-jane',
        messageId: 'crm-1',
        sourceId: 'crm',
        at: T0 + 1000,
        attributes: { first: 'Jane', plan: 'enterprise' },
        mapping: { first: 'given-name' },
      }),
      identifyItem({
        profileId: 'p-jane',
        messageId: 'web-1',
        sourceId: 'web',
        at: T0 + 2000,
        traits: { firstName: 'Janey', plan: 'pro', email: 'jane@example.com' },
      }),
    ]);
    const profile = await harness.waitFor('/v1/profiles/p-jane', (body) => body.summary?.itemCount === 2);
    expect(profile.traits).toMatchObject({ 'given-name': 'Jane', plan: 'pro', email: 'jane@example.com' });
    expect(profile.traitProvenance['given-name']).toMatchObject({ sourceId: 'crm', priority: 1, messageId: 'crm-1' });
    expect(profile.traitProvenance.plan).toMatchObject({ sourceId: 'web', priority: 1, messageId: 'web-1' });
    expect(profile.bestEmail).toBe('jane@example.com');
  });

  it("shows a connector record's origin (connection, run, stream, row) in a trait's provenance; a later null from it falls back to the next source", async () => {
    const origin = { connectionId: 'conn-crm', runId: 'run-1', stream: 'contacts', rowKey: 'contacts.csv:7' };
    await harness.sendItems([
      recordItem({
        profileId: 'p-tier',
        messageId: 'tier-crm-1',
        sourceId: 'crm',
        at: T0 + 1000,
        attributes: { loyalty_tier: 'gold', contract_end_date: '2027-03-31' },
        mapping: {},
        origin,
      }),
      identifyItem({ profileId: 'p-tier', messageId: 'tier-web-1', sourceId: 'web', at: T0 + 2000, traits: { loyalty_tier: 'silver' } }),
    ]);
    const before = await harness.waitFor('/v1/profiles/p-tier', (body) => body.summary?.itemCount === 2);
    expect(before.traits).toMatchObject({ loyalty_tier: 'gold', contract_end_date: '2027-03-31' });
    expect(before.traitProvenance.loyalty_tier).toEqual({
      sourceId: 'crm',
      priority: 1,
      occurredAt: new Date(T0 + 1000).toISOString(),
      messageId: 'tier-crm-1',
      mode: 'set',
      origin,
    });
    expect(before.traitProvenance.contract_end_date.origin).toEqual(origin);

    const refresh = { ...origin, runId: 'run-2' };
    await harness.sendItems([
      recordItem({
        profileId: 'p-tier',
        messageId: 'tier-crm-2',
        sourceId: 'crm',
        at: T0 + 3000,
        attributes: { loyalty_tier: null, contract_end_date: null },
        mapping: {},
        origin: refresh,
      }),
    ]);
    const after = await harness.waitFor('/v1/profiles/p-tier', (body) => body.summary?.itemCount === 3);
    expect(after.traits.loyalty_tier).toBe('silver');
    expect(after.traits).not.toHaveProperty('contract_end_date');
    expect(after.traitProvenance.loyalty_tier).toMatchObject({ sourceId: 'web', messageId: 'tier-web-1', origin: null });
    const timeline = await harness.get('/v1/profiles/p-tier/events');
    expect(timeline.body.events.map((e: { messageId: string; origin: unknown }) => [e.messageId, e.origin])).toEqual([
      ['tier-crm-2', refresh],
      ['tier-web-1', null],
      ['tier-crm-1', origin],
    ]);
  });

  it('out-of-order events give the same profile as in-order events', async () => {
    const stream = (profileId: string) => [
      identifyItem({
        profileId,
        messageId: `${profileId}-1`,
        sourceId: 'web',
        at: T0 + 1000,
        traits: { firstName: 'Ann', $set_once: { signup_source: 'ad' } },
      }),
      trackItem({
        profileId,
        messageId: `${profileId}-2`,
        sourceId: 'web',
        at: T0 + 2000,
        event: 'Order Completed',
        revenue: 12.5,
        properties: { order_id: 'o1' },
        context: { campaign: { source: 'google', name: 'spring' } },
      }),
      identifyItem({
        profileId,
        messageId: `${profileId}-3`,
        sourceId: 'web',
        at: T0 + 3000,
        traits: { firstName: 'Anne', $set_once: { signup_source: 'late' }, $unset: ['nickname'] },
      }),
      identifyItem({ profileId, messageId: `${profileId}-4`, sourceId: 'web', at: T0 + 2500, traits: { nickname: 'annie' } }),
      trackItem({
        profileId,
        messageId: `${profileId}-5`,
        sourceId: 'web',
        at: T0 + 4000,
        event: 'Order Completed',
        revenue: 7.25,
        properties: { order_id: 'o2' },
        context: { consent: { categoryPreferences: { Advertising: true } } },
      }),
    ];
    await harness.sendItems(stream('p-inorder'));
    await harness.sendItems(stream('p-shuffled').reverse());
    const done = (body: JsonBody) => body.summary?.itemCount === 5;
    const inOrder = await harness.waitFor('/v1/profiles/p-inorder', done);
    const shuffled = await harness.waitFor('/v1/profiles/p-shuffled', done);
    const comparable = (p: JsonBody) => ({
      traits: p.traits,
      consent: p.consent,
      summary: p.summary,
      revenue: p.transactions.revenueTotal,
      orders: p.transactions.orderCount,
      touches: p.campaigns.touchCount,
    });
    expect(comparable(shuffled)).toEqual(comparable(inOrder));
    expect(inOrder.traits).toEqual({ 'given-name': 'Anne', signup_source: 'ad' });
    expect(inOrder.consent).toEqual({ Advertising: true });
    expect(inOrder.transactions).toMatchObject({ revenueTotal: 19.75, orderCount: 2, lastOrder: { orderId: 'o2' } });
    const timeline = await harness.get('/v1/profiles/p-shuffled/events?limit=2');
    expect(timeline.body.events.map((e: { messageId: string }) => e.messageId)).toEqual(['p-shuffled-5', 'p-shuffled-3']);
  });

  it('a merge folds counts, re-decides traits and redirects the absorbed id and its identifiers', async () => {
    const viewed = (profileId: string, n: number, at: number) =>
      trackItem({ profileId, messageId: `${profileId}-v${n}`, sourceId: 'web', at, event: 'Product Viewed' });
    const withId = <T extends { identifiers: unknown[] }>(item: T, type: string, value: string): T => ({
      ...item,
      identifiers: [{ type, value }],
    });
    await harness.sendItems([
      withId(viewed('p-phone', 1, T0 + 1000), 'anonymous_id', 'anon-phone'),
      viewed('p-phone', 2, T0 + 2000),
      withId(viewed('p-laptop', 1, T0 + 500), 'anonymous_id', 'anon-laptop'),
      viewed('p-laptop', 2, T0 + 3000),
      viewed('p-laptop', 3, T0 + 3500),
      recordItem({
        profileId: 'p-laptop',
        messageId: 'crm-laptop',
        sourceId: 'crm',
        at: T0 + 100,
        attributes: { fn: 'Max' },
        mapping: { fn: 'given-name' },
      }),
      identifyItem({ profileId: 'p-phone', messageId: 'web-phone', sourceId: 'web', at: T0 + 5000, traits: { firstName: 'Maxi' } }),
    ]);
    await harness.waitFor('/v1/profiles/p-laptop', (body) => body.summary?.itemCount === 4);
    await harness.waitFor('/v1/profiles/p-phone', (body) => body.summary?.itemCount === 3);
    await harness.sendChange({
      changeId: 'chg-1',
      kind: 'merge',
      survivorProfileId: 'p-phone',
      absorbedProfileId: 'p-laptop',
      rule: 'shared_identifier:user_id',
      causingMessageId: 'm-login',
      identifiers: [{ type: 'user_id', value: 'u-max' }],
      at: T0 + 6000,
    });
    const merged = await harness.waitFor('/v1/profiles/p-phone', (body) => body.summary?.itemCount === 7);
    expect(merged.summary.eventCounts['Product Viewed'].count).toBe(5);
    expect(merged.summary.firstSeen).toBe(new Date(T0 + 100).toISOString());
    expect(merged.traits['given-name']).toBe('Max');
    const redirected = await harness.get('/v1/profiles/p-laptop');
    expect(redirected.body).toMatchObject({ profileId: 'p-phone', redirectedFrom: 'p-laptop' });
    expect((await harness.get('/v1/profiles?identifier=anonymous_id:anon-laptop')).body.profileId).toBe('p-phone');
    // a late item still keyed by the absorbed id lands on the survivor
    await harness.sendItems([viewed('p-laptop', 4, T0 + 7000)]);
    const late = await harness.waitFor('/v1/profiles/p-phone', (body) => body.summary?.itemCount === 8);
    expect(late.summary.eventCounts['Product Viewed'].count).toBe(6);
    const absorbedChange = await waitForChange((c) => c.profileId === 'p-laptop' && c.status === 'merged');
    expect(absorbedChange.mergedIntoProfileId).toBe('p-phone');
  });

  it('a split undoes a wrong merge: both profiles are rebuilt from their items', async () => {
    const item = (profileId: string, messageId: string, at: number, firstName: string, id: string) => ({
      ...identifyItem({ profileId, messageId, sourceId: 'web', at, traits: { firstName } }),
      identifiers: [{ type: 'user_id', value: id }],
    });
    await harness.sendItems([
      item('p-ada', 'ada-1', T0 + 1000, 'Ada', 'u-ada'),
      trackItem({ profileId: 'p-ada', messageId: 'ada-2', sourceId: 'web', at: T0 + 1100, event: 'Order Completed', revenue: 5 }),
      item('p-bob', 'bob-1', T0 + 2000, 'Bob', 'u-bob'),
      trackItem({ profileId: 'p-bob', messageId: 'bob-2', sourceId: 'web', at: T0 + 2100, event: 'Order Completed', revenue: 7 }),
    ]);
    await harness.waitFor('/v1/profiles/p-bob', (body) => body.summary?.itemCount === 2);
    await harness.waitFor('/v1/profiles/p-ada', (body) => body.summary?.itemCount === 2);
    await harness.sendChange({
      changeId: 'chg-wrong',
      kind: 'merge',
      survivorProfileId: 'p-ada',
      absorbedProfileId: 'p-bob',
      rule: 'shared_identifier:email',
      causingMessageId: 'bob-1',
      identifiers: [],
      at: T0 + 3000,
    });
    const wrong = await harness.waitFor('/v1/profiles/p-ada', (body) => body.summary?.itemCount === 4);
    expect(wrong.traits['given-name']).toBe('Bob');
    expect(wrong.transactions.orderCount).toBe(2);
    await harness.sendChange({
      changeId: 'chg-split',
      kind: 'split',
      survivorProfileId: 'p-ada',
      absorbedProfileId: 'p-bob',
      rule: 'manual_split',
      causingMessageId: null,
      identifiers: [{ type: 'user_id', value: 'u-bob' }],
      movedMessageIds: ['bob-1', 'bob-2'],
      detail: 'support ticket 42',
      at: T0 + 4000,
    });
    const ada = await harness.waitFor('/v1/profiles/p-ada', (body) => body.summary?.itemCount === 2);
    expect(ada.traits['given-name']).toBe('Ada');
    expect(ada.transactions).toMatchObject({ revenueTotal: 5, orderCount: 1 });
    const bob = await harness.waitFor('/v1/profiles/p-bob', (body, status) => status === 200 && body.profileId === 'p-bob');
    expect(bob).toMatchObject({ status: 'active', traits: { 'given-name': 'Bob' }, transactions: { revenueTotal: 7, orderCount: 1 } });
    expect(bob).not.toHaveProperty('redirectedFrom');
    expect((await harness.get('/v1/profiles?identifier=user_id:u-bob')).body.profileId).toBe('p-bob');
    expect((await harness.get('/v1/profiles?identifier=user_id:u-ada')).body.profileId).toBe('p-ada');
  });

  it('an item a split moved before the merger received it lands on the new profile when it arrives', async () => {
    await harness.sendItems([
      trackItem({ profileId: 'p-eve', messageId: 'eve-1', sourceId: 'web', at: T0 + 1000, event: 'Viewed' }),
      trackItem({ profileId: 'p-fay', messageId: 'fay-1', sourceId: 'web', at: T0 + 1100, event: 'Viewed' }),
    ]);
    await harness.waitFor('/v1/profiles/p-fay', (body) => body.summary?.itemCount === 1);
    await harness.sendChange({
      changeId: 'chg-eve-fay',
      kind: 'merge',
      survivorProfileId: 'p-eve',
      absorbedProfileId: 'p-fay',
      rule: 'shared_identifier:email',
      causingMessageId: 'fay-1',
      identifiers: [],
      at: T0 + 2000,
    });
    await harness.waitFor('/v1/profiles/p-eve', (body) => body.summary?.itemCount === 2);
    // The resolver split fay-1 and fay-2 away; fay-2 (resolved before the split, keyed by the survivor) is still in flight.
    await harness.sendChange({
      changeId: 'chg-eve-split',
      kind: 'split',
      survivorProfileId: 'p-eve',
      absorbedProfileId: 'p-fay',
      rule: 'manual_split',
      causingMessageId: null,
      identifiers: [],
      movedMessageIds: ['fay-1', 'fay-2'],
      detail: null,
      at: T0 + 3000,
    });
    await harness.waitFor('/v1/profiles/p-fay', (body, status) => status === 200 && body.summary?.itemCount === 1);
    await harness.sendItems([trackItem({ profileId: 'p-eve', messageId: 'fay-2', sourceId: 'web', at: T0 + 2500, event: 'Clicked' })]);
    const fay = await harness.waitFor('/v1/profiles/p-fay', (body) => body.summary?.itemCount === 2);
    expect(Object.keys(fay.summary.eventCounts).sort()).toEqual(['Clicked', 'Viewed']);
    const eve = await harness.get('/v1/profiles/p-eve');
    expect(eve.body.summary.itemCount).toBe(1);
  });

  it('a split that moves identifiers but no items leaves a known profile holding them', async () => {
    await harness.sendItems([
      {
        ...trackItem({ profileId: 'p-gil', messageId: 'gil-1', sourceId: 'web', at: T0 + 1000, event: 'Viewed' }),
        identifiers: [
          { type: 'user_id', value: 'u-gil' },
          { type: 'email', value: 'old@gil.io' },
        ],
      },
    ]);
    await harness.waitFor('/v1/profiles/p-gil', (body) => body.summary?.itemCount === 1);
    await harness.sendChange({
      changeId: 'chg-gil-split',
      kind: 'split',
      survivorProfileId: 'p-gil',
      absorbedProfileId: 'p-gil-2',
      rule: 'manual_split',
      causingMessageId: null,
      identifiers: [{ type: 'email', value: 'old@gil.io' }],
      movedMessageIds: [],
      detail: null,
      at: T0 + 2000,
    });
    const moved = await harness.waitFor('/v1/profiles/p-gil-2', (_body, status) => status === 200);
    expect(moved.identifiers).toEqual([{ type: 'email', value: 'old@gil.io' }]);
    expect(moved.summary.itemCount).toBe(0);
    expect((await harness.get('/v1/profiles?identifier=email:old@gil.io')).body.profileId).toBe('p-gil-2');
  });

  it('a second split keeps the identifiers an earlier split moved away, though a kept item still lists them', async () => {
    const viewed = (messageId: string, at: number, ...ids: Array<[string, string]>) => ({
      ...trackItem({ profileId: 'p-cy', messageId, sourceId: 'web', at: T0 + at, event: 'Viewed' }),
      identifiers: ids.map(([type, value]) => ({ type, value })),
    });
    await harness.sendItems([
      viewed('cy-1', 1000, ['user_id', 'u-cy']),
      viewed('cy-2', 2000, ['user_id', 'u-cy'], ['anonymous_id', 'a-dee']),
      viewed('cy-3', 3000, ['anonymous_id', 'a-dee']),
      viewed('cy-4', 4000, ['user_id', 'u-cy'], ['anonymous_id', 'a-cy-phone']),
      viewed('cy-5', 5000, ['anonymous_id', 'a-cy-phone']),
    ]);
    await harness.waitFor('/v1/profiles/p-cy', (body) => body.summary?.itemCount === 5);
    const split = (changeId: string, absorbedProfileId: string, value: string, moved: string, at: number) => ({
      changeId,
      kind: 'split' as const,
      survivorProfileId: 'p-cy',
      absorbedProfileId,
      rule: 'manual_split',
      causingMessageId: null,
      identifiers: [{ type: 'anonymous_id', value }],
      movedMessageIds: [moved],
      detail: null,
      at: T0 + at,
    });
    await harness.sendChange(split('chg-cy-1', 'p-dee', 'a-dee', 'cy-3', 6000));
    await harness.waitFor('/v1/profiles/p-cy', (body) => body.summary?.itemCount === 4);
    await harness.sendChange(split('chg-cy-2', 'p-cy-phone', 'a-cy-phone', 'cy-5', 7000));
    const cy = await harness.waitFor('/v1/profiles/p-cy', (body) => body.summary?.itemCount === 3);
    expect(cy.identifiers).toEqual([{ type: 'user_id', value: 'u-cy' }]);
    expect((await harness.get('/v1/profiles?identifier=anonymous_id:a-dee')).body.profileId).toBe('p-dee');
    expect((await harness.get('/v1/profiles?identifier=anonymous_id:a-cy-phone')).body.profileId).toBe('p-cy-phone');
  });

  it('answers every profile read as of one moment, while slices commit', async () => {
    const ticks = Array.from({ length: 300 }, (_, n) =>
      trackItem({ profileId: 'p-steady', messageId: `steady-${n}`, sourceId: 'web', at: T0 + n, event: n % 2 ? 'Tick' : 'Tock' }),
    );
    const sending = Promise.all([0, 1, 2].map((lane) => harness.sendItems(ticks.filter((_, n) => n % 3 === lane))));
    const skewed: unknown[] = [];
    let reads = 0;
    const reader = async () => {
      for (let done = false; !done;) {
        const { status, body } = await harness.get('/v1/profiles/p-steady');
        if (status !== 200) continue;
        reads++;
        const counted = Object.values(body.summary.eventCounts as Record<string, { count: number }>).reduce((sum, c) => sum + c.count, 0);
        if (counted !== body.summary.itemCount) skewed.push({ itemCount: body.summary.itemCount, counted });
        done = body.summary.itemCount === ticks.length;
      }
    };
    await Promise.all([reader(), reader(), reader()]);
    await sending;
    expect(skewed).toEqual([]);
    expect(reads).toBeGreaterThan(3);
  });

  it('applies a republished item once (inbox dedupe by tessera-msg-id)', async () => {
    await harness.sendTwice(
      trackItem({ profileId: 'p-dup', messageId: 'dup-1', sourceId: 'web', at: T0, event: 'Order Completed', revenue: 3 }),
      'outbox-dup-1',
    );
    await harness.sendItems([
      {
        ...trackItem({ profileId: 'p-dup', messageId: 'dup-2', sourceId: 'web', at: T0 + 1, event: 'Signed Up' }),
        identifiers: [{ type: 'email', value: 'dup@example.com' }],
      },
    ]);
    const profile = await harness.waitFor('/v1/profiles/p-dup', (body) => body.summary?.eventCounts?.['Signed Up']?.count === 1);
    expect(profile.transactions).toMatchObject({ revenueTotal: 3, orderCount: 1 });
    expect(profile.summary.itemCount).toBe(2);
    expect((await harness.get('/v1/profiles?identifier=email:%20DUP@example.com')).body).toMatchObject({
      profileId: 'p-dup',
      bestEmail: 'dup@example.com',
    });
  });

  it('answers 404 JSON for unknown ids and identifiers, 400 for a malformed identifier', async () => {
    const unknown = await harness.get('/v1/profiles?identifier=email:nobody@example.com');
    expect(unknown).toEqual({
      status: 404,
      body: expect.objectContaining({ message: 'no profile has the identifier email:nobody@example.com' }),
    });
    expect((await harness.get('/v1/profiles/nope')).status).toBe(404);
    expect((await harness.get('/v1/profiles?identifier=nocolon')).status).toBe(400);
  });

  it('gives an email to at most one profile as best email, by priority', async () => {
    await harness.sendItems([
      identifyItem({ profileId: 'p-web-sam', messageId: 'sam-web', sourceId: 'web', at: T0 + 9000, traits: { email: 'sam@example.com' } }),
      recordItem({
        profileId: 'p-crm-sam',
        messageId: 'sam-crm',
        sourceId: 'crm',
        at: T0 + 1000,
        attributes: { mail: 'sam@example.com' },
        mapping: { mail: 'email' },
      }),
    ]);
    const crm = await harness.waitFor('/v1/profiles/p-crm-sam', (body) => body.bestEmail === 'sam@example.com');
    expect(crm.bestEmail).toBe('sam@example.com');
    const web = await harness.waitFor('/v1/profiles/p-web-sam', (body) => body.summary?.itemCount === 1);
    expect(web.bestEmail).toBeNull();
    expect(web.traits.email).toBe('sam@example.com');
  });

  it('emits cdp.profiles.changed keyed by profile id with changed fields and segmentable values', async () => {
    const first = await waitForChange((c) => c.profileId === 'p-jane' && JSON.parse(c.values)['traits.given-name'] === 'Jane');
    expect(first.status).toBe('active');
    expect(first.changedFields).toEqual(expect.arrayContaining(['traits.given-name']));
    // the web identify then changed plan (field priority) and set the best email
    const change = await waitForChange((c) => c.profileId === 'p-jane' && c.changedFields.includes('email'));
    expect(change.changedFields).toEqual(expect.arrayContaining(['email', 'traits.plan', 'event_count.$identify']));
    expect(change.changedFields).not.toContain('traits.given-name');
    expect(JSON.parse(change.values)).toMatchObject({ email: 'jane@example.com', 'traits.plan': 'pro', 'event_count.$record:contact': 1 });
    const versions = changes.filter((c) => c.profileId === 'p-jane').map((c) => c.version);
    expect(new Set(versions).size).toBe(versions.length);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    // The newest message carries the version the profile has now.
    expect((await harness.get('/v1/profiles/p-jane')).body.version).toBe(versions[versions.length - 1]);
  });

  function waitForChange(match: (change: ProfileChange) => boolean, timeoutMs = 20_000): Promise<ProfileChange> {
    return eventually(() => changes.find(match), timeoutMs, 'a matching profile change');
  }
});
