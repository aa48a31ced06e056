import { randomUUID } from 'node:crypto';
import { encode, Topics, type ValidEvent } from '@tessera/contracts';
import { startServiceForTest, type RunningService } from '@tessera/service-kit';
import {
  createTestProducer,
  createTestSchema,
  createTestTopics,
  startTestBroker,
  TopicCollector,
  type TestBroker,
  type TestSchema,
} from '@tessera/testing';
import { type Producer } from 'kafkajs';
import { AppModule } from './app.module';
import { validEvent } from './test-support/valid-input.fixture';

const ADMIN = 'identity-edge-admin-token';

/** Group calls and aliases of known user ids, through the broker, Postgres and the HTTP API. */
describe('identity edge cases (embedded broker and Postgres, real HTTP)', () => {
  let broker: TestBroker;
  let schema: TestSchema;
  let service: RunningService;
  let producer: Producer;
  let collector: TopicCollector;
  const run = randomUUID().slice(0, 8);
  const u = (name: string) => `${name}-${run}`;

  const resolve = async (event: ValidEvent) => {
    await producer.send({
      topic: Topics.EventsValid,
      acks: -1,
      messages: [{ key: event.userId ?? event.anonymousId, value: encode(Topics.EventsValid, event) }],
    });
    const [found] = await collector.waitFor(Topics.EventsResolved, (v) => v.messageId === event.messageId);
    return found;
  };
  const api = async (path: string) => {
    const res = await fetch(`${service.url}${path}`, { headers: { authorization: `Bearer ${ADMIN}` } });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked by expect(), not by types
    return { status: res.status, body: (await res.json()) as any };
  };
  const lookup = (identifier: string) => api(`/v1/identities?identifier=${encodeURIComponent(identifier)}`);
  const identifierTexts = (value: { identifiers: Array<{ type: string; value: string }> }) =>
    value.identifiers.map((i) => `${i.type}:${i.value}`).sort();

  beforeAll(async () => {
    broker = await startTestBroker();
    schema = await createTestSchema('identity_edge_it');
    await createTestTopics(broker.brokers, [
      { topic: Topics.EventsValid, numPartitions: 2 },
      Topics.RecordsValid,
      { topic: Topics.EventsResolved, numPartitions: 2 },
      Topics.IdentityMerges,
      Topics.EventsRejected,
    ]);
    service = await startServiceForTest(AppModule, 'identity-resolver', {
      databaseUrl: schema.url,
      schema: schema.schema,
      kafkaBrokers: broker.brokers.join(','),
      adminToken: ADMIN,
    });
    producer = createTestProducer(broker.brokers, 'identity-edge-producer');
    await producer.connect();
    collector = new TopicCollector(broker.brokers, [Topics.EventsResolved, Topics.IdentityMerges]);
    await collector.start();
  }, 60_000);

  afterAll(async () => {
    await collector?.stop();
    await producer?.disconnect();
    await service?.close();
    await schema?.drop();
    await broker?.stop();
  });

  it("a group call's traits are the account's: two members sharing the billing email stay two people", async () => {
    const group = (user: string) =>
      validEvent({
        type: 'group',
        event: null,
        userId: u(user),
        groupId: u('acme'),
        properties: null,
        traits: JSON.stringify({ name: 'Acme', email: `billing-${run}@acme.com` }),
      });
    const ann = await resolve(group('ann'));
    const bob = await resolve(group('bob'));
    expect(ann.key).not.toBe(bob.key);
    expect(identifierTexts(ann.value)).toEqual([`user_id:${u('ann')}`]);
    expect(identifierTexts(bob.value)).toEqual([`user_id:${u('bob')}`]);
    expect((await lookup(`email:billing-${run}@acme.com`)).status).toBe(404);
    expect(collector.all(Topics.IdentityMerges).filter((m) => [ann.key, bob.key].includes(m.value.survivorProfileId))).toEqual([]);
  });

  it('an alias of a known user_id renames it: no anonymous_id, the new user_id, the old one as previous_user_id, logged and found by either id', async () => {
    const [oldUser, newUser] = [u('old-user'), u('new-user')];
    const signup = await resolve(
      validEvent({ type: 'identify', event: null, userId: oldUser, anonymousId: u('visitor'), properties: null, traits: '{}' }),
    );
    const aliasCall = validEvent({ type: 'alias', event: null, userId: newUser, previousId: oldUser, properties: null });
    const alias = await resolve(aliasCall);
    expect(alias.key).toBe(signup.key);
    expect(identifierTexts(alias.value)).toEqual([`previous_user_id:${oldUser}`, `user_id:${newUser}`]);

    const held = await api(`/v1/profiles/${signup.key}/identifiers`);
    expect(identifierTexts(held.body)).toEqual([`anonymous_id:${u('visitor')}`, `previous_user_id:${oldUser}`, `user_id:${newUser}`]);
    expect((await lookup(`user_id:${newUser}`)).body).toMatchObject({ profileId: signup.key, firstMessageId: aliasCall.messageId });
    expect((await lookup(`user_id:${oldUser}`)).body).toMatchObject({
      profileId: signup.key,
      firstMessageId: signup.value.messageId,
      heldAs: { type: 'previous_user_id', value: oldUser },
    });
    expect((await lookup(`anonymous_id:${oldUser}`)).status).toBe(404);
    const why = await api(`/v1/profiles/${signup.key}/merges`);
    expect(why.body.aliases).toEqual([
      expect.objectContaining({
        kind: 'alias',
        survivorProfileId: signup.key,
        rule: 'alias_rename',
        causingMessageId: aliasCall.messageId,
        identifiers: [
          { type: 'user_id', value: oldUser },
          { type: 'user_id', value: newUser },
        ],
      }),
    ]);
    expect(why.body.merges).toEqual([]);

    // an old session still sending the old user_id reaches the renamed profile
    const late = await resolve(validEvent({ userId: oldUser }));
    expect(late.key).toBe(signup.key);
    expect(identifierTexts(late.value)).toEqual([`previous_user_id:${oldUser}`]);
  });

  it('an alias whose previousId is unknown reads it as an anonymous id (Segment semantics)', async () => {
    const visitor = await resolve(validEvent({ anonymousId: u('pre-signup') }));
    const alias = await resolve(
      validEvent({ type: 'alias', event: null, userId: u('signed-up'), previousId: u('pre-signup'), properties: null }),
    );
    expect(alias.key).toBe(visitor.key);
    expect(identifierTexts(alias.value)).toEqual([`anonymous_id:${u('pre-signup')}`, `user_id:${u('signed-up')}`]);
    expect((await api(`/v1/profiles/${visitor.key}/merges`)).body.aliases).toEqual([]);
  });
});
