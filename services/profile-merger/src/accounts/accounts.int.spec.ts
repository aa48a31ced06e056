import { TOPIC_SPECS } from '@tessera/contracts';
import { createTestSchema, createTestTopics, startTestBroker, type TestBroker, type TestSchema } from '@tessera/testing';
import { startServiceForTest, type RunningService } from '@tessera/service-kit';
import { AppModule } from '../app.module';
import { groupItem } from '../test-support/group-items.fixture';
import { trackItem } from '../test-support/test-items.fixture';
import { MergerHarness, type JsonBody } from '../test-support/merger-harness';

const T0 = Date.UTC(2026, 0, 1);
const iso = (offset: number) => new Date(T0 + offset).toISOString();
const change = { rule: 'test', causingMessageId: null, identifiers: [], detail: null, at: T0 };

/** Group calls record account membership on the profile; accounts are looked up by groupId. */
describe('accounts (group membership) on the embedded broker and Postgres, through HTTP', () => {
  let schema: TestSchema;
  let broker: TestBroker;
  let service: RunningService;
  let harness: MergerHarness;

  beforeAll(async () => {
    broker = await startTestBroker();
    await createTestTopics(
      broker.brokers,
      TOPIC_SPECS.map((spec) => ({ topic: spec.name, numPartitions: spec.partitions })),
    );
    schema = await createTestSchema('profile_merger_accounts');
    service = await startServiceForTest(AppModule, 'profile-merger', {
      databaseUrl: schema.url,
      schema: schema.schema,
      kafkaBrokers: broker.brokers.join(','),
    });
    harness = new MergerHarness(broker.brokers, service.url);
    await harness.start();
  }, 60_000);

  afterAll(async () => {
    await harness?.stop();
    await service?.close();
    await schema?.drop();
    await broker?.stop();
  });

  const groupsOf = (profile: JsonBody) => profile.groups.map((g: JsonBody) => g.groupId);

  it("records membership with the group's latest traits and first/last seen, never as person traits; the account lists its members", async () => {
    await harness.sendItems([
      groupItem({
        profileId: 'acc-ann',
        messageId: 'ann-g1',
        at: T0 + 1_000,
        groupId: 'acme',
        traits: { name: 'Acme', plan: 'free', email: 'billing@acme.com' },
      }),
      groupItem({ profileId: 'acc-bob', messageId: 'bob-g1', at: T0 + 3_000, groupId: 'acme', traits: { name: 'Acme', plan: 'pro' } }),
      groupItem({ profileId: 'acc-ann', messageId: 'ann-g2', at: T0 + 2_000, groupId: 'acme', traits: null }),
    ]);
    // the three items travel on two partitions (keyed by profile): wait for both members
    await harness.waitFor('/v1/profiles/acc-bob', (body) => body.summary?.itemCount === 1);
    const ann = await harness.waitFor('/v1/profiles/acc-ann', (body) => body.summary?.itemCount === 2);
    expect(ann.groups).toEqual([
      { groupId: 'acme', traits: { name: 'Acme', plan: 'pro' }, traitsUpdatedAt: iso(3_000), firstSeen: iso(1_000), lastSeen: iso(2_000) },
    ]);
    expect(ann.traits).toEqual({});
    expect(ann.bestEmail).toBeNull();

    const account = await harness.waitFor('/v1/accounts/acme', (body, status) => status === 200 && body.memberCount === 2);
    expect(account).toEqual({
      groupId: 'acme',
      traits: { name: 'Acme', plan: 'pro' },
      traitsUpdatedAt: iso(3_000),
      traitsMessageId: 'bob-g1',
      firstSeen: iso(1_000),
      lastSeen: iso(3_000),
      memberCount: 2,
      members: [
        { profileId: 'acc-bob', firstSeen: iso(3_000), lastSeen: iso(3_000) },
        { profileId: 'acc-ann', firstSeen: iso(1_000), lastSeen: iso(2_000) },
      ],
    });
    expect((await harness.get('/v1/accounts/acme?limit=1')).body.members).toEqual([expect.objectContaining({ profileId: 'acc-bob' })]);
    expect((await harness.get('/v1/accounts/nobody')).status).toBe(404);
    expect((await harness.get('/v1/accounts/acme?limit=0')).status).toBe(400);
  });

  it('keeps memberships right across a merge and its split', async () => {
    await harness.sendItems([
      groupItem({ profileId: 'acc-left', messageId: 'left-g', at: T0 + 10_000, groupId: 'initech', traits: { seats: 5 } }),
      trackItem({ profileId: 'acc-left', messageId: 'left-t', sourceId: 'web', at: T0 + 10_500, event: 'Viewed' }),
      groupItem({ profileId: 'acc-right', messageId: 'right-g', at: T0 + 11_000, groupId: 'initech', traits: { seats: 7 } }),
      groupItem({ profileId: 'acc-right', messageId: 'right-h', at: T0 + 12_000, groupId: 'hooli', traits: { tier: 'gold' } }),
    ]);
    await harness.waitFor('/v1/profiles/acc-right', (body) => body.summary?.itemCount === 2);
    await harness.sendChange({
      ...change,
      changeId: 'acc-merge',
      kind: 'merge',
      survivorProfileId: 'acc-left',
      absorbedProfileId: 'acc-right',
      movedMessageIds: [],
    });
    const merged = await harness.waitFor('/v1/profiles/acc-left', (body) => body.summary?.itemCount === 4);
    expect(merged.groups).toEqual([
      { groupId: 'hooli', traits: { tier: 'gold' }, traitsUpdatedAt: iso(12_000), firstSeen: iso(12_000), lastSeen: iso(12_000) },
      { groupId: 'initech', traits: { seats: 7 }, traitsUpdatedAt: iso(11_000), firstSeen: iso(10_000), lastSeen: iso(11_000) },
    ]);
    expect((await harness.get('/v1/accounts/initech')).body).toMatchObject({ memberCount: 1, members: [{ profileId: 'acc-left' }] });

    await harness.sendChange({
      ...change,
      changeId: 'acc-split',
      kind: 'split',
      survivorProfileId: 'acc-left',
      absorbedProfileId: 'acc-right',
      rule: 'manual_split',
      movedMessageIds: ['right-g', 'right-h'],
    });
    const right = await harness.waitFor(
      '/v1/profiles/acc-right',
      (body) => body.summary?.itemCount === 2 && body.profileId === 'acc-right',
    );
    expect(groupsOf(right)).toEqual(['hooli', 'initech']);
    const left = await harness.waitFor('/v1/profiles/acc-left', (body) => body.summary?.itemCount === 2);
    expect(left.groups).toEqual([
      { groupId: 'initech', traits: { seats: 7 }, traitsUpdatedAt: iso(11_000), firstSeen: iso(10_000), lastSeen: iso(10_000) },
    ]);
    expect((await harness.get('/v1/accounts/initech')).body).toMatchObject({ memberCount: 2 });
    expect((await harness.get('/v1/accounts/hooli')).body).toMatchObject({ memberCount: 1, members: [{ profileId: 'acc-right' }] });
  });
});
