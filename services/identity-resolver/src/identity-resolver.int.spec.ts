import { randomUUID } from 'node:crypto';
import { encode, Topics, type ValidEvent, type ValidRecord } from '@tessera/contracts';
import { startServiceForTest, type RunningService } from '@tessera/service-kit';
import {
  createTestProducer,
  createTestSchema,
  createTestTopics,
  startTestBroker,
  type TestBroker,
  type TestSchema,
} from '@tessera/testing';
import { type Producer } from 'kafkajs';
import { AppModule } from './app.module';
import { TopicCollector } from '@tessera/testing';
import { validEvent, validRecord } from './test-support/valid-input.fixture';

const ADMIN = 'identity-test-admin-token';
const auth = { authorization: `Bearer ${ADMIN}` };
const READ = 'identity-test-read-token';

describe('identity-resolver (embedded broker and Postgres, real HTTP)', () => {
  let broker: TestBroker;
  let schema: TestSchema;
  let service: RunningService;
  let producer: Producer;
  let collector: TopicCollector;
  const run = randomUUID().slice(0, 8);
  const u = (name: string) => `${name}-${run}`;

  /** Produces the events keyed like validation does (userId, else anonymousId): spread over partitions. */
  const send = async (...events: ValidEvent[]) => {
    await producer.send({
      topic: Topics.EventsValid,
      acks: -1,
      messages: events.map((e) => ({ key: e.userId ?? e.anonymousId, value: encode(Topics.EventsValid, e) })),
    });
  };
  const sendRecord = async (record: ValidRecord) => {
    await producer.send({
      topic: Topics.RecordsValid,
      acks: -1,
      messages: [{ key: `${record.sourceId}:${record.recordId}`, value: encode(Topics.RecordsValid, record) }],
    });
  };
  const resolvedOf = async (...events: Array<ValidEvent | ValidRecord>) => {
    const ids = new Set(events.map((e) => e.messageId));
    const found = await collector.waitFor(Topics.EventsResolved, (v) => ids.has(v.messageId), ids.size);
    return events.map((e) => found.find((m) => m.value.messageId === e.messageId)!);
  };
  // Reads go with the read token; writes name their credentials (none, to see the 401).
  const api = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = method === 'GET' ? { authorization: `Bearer ${READ}` } : {},
  ) => {
    const res = await fetch(`${service.url}${path}`, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const lookup = async (identifier: string) => api('GET', `/v1/identities?identifier=${encodeURIComponent(identifier)}`);
  const identify = (userId: string | null, anonymousId: string | null, traits: object = {}, context: object = {}) =>
    validEvent({ type: 'identify', event: null, userId, anonymousId, traits: JSON.stringify(traits), context: JSON.stringify(context) });

  beforeAll(async () => {
    broker = await startTestBroker();
    schema = await createTestSchema('identity_it');
    await createTestTopics(broker.brokers, [
      { topic: Topics.EventsValid, numPartitions: 3 },
      { topic: Topics.RecordsValid, numPartitions: 2 },
      { topic: Topics.EventsResolved, numPartitions: 3 },
      Topics.IdentityMerges,
      Topics.EventsRejected,
    ]);
    service = await startServiceForTest(AppModule, 'identity-resolver', {
      databaseUrl: schema.url,
      schema: schema.schema,
      kafkaBrokers: broker.brokers.join(','),
      adminToken: ADMIN,
      readToken: READ,
    });
    producer = createTestProducer(broker.brokers, 'identity-test-producer');
    await producer.connect();
    collector = new TopicCollector(broker.brokers, [Topics.EventsResolved, Topics.IdentityMerges, Topics.EventsRejected]);
    await collector.start();
  }, 60_000);

  afterAll(async () => {
    await collector?.stop();
    await producer?.disconnect();
    await service?.close();
    await schema?.drop();
    await broker?.stop();
  });

  it('an anonymous visitor signs up: the anonymous history and the user share one profile', async () => {
    const anon = u('visitor');
    const browsing = [validEvent({ anonymousId: anon }), validEvent({ anonymousId: anon, event: 'Product Viewed' })];
    await send(...browsing);
    const before = await resolvedOf(...browsing);
    const signup = identify(u('jane'), anon, { email: `Jane.${run}@Example.com` });
    await send(signup);
    const [after] = await resolvedOf(signup);

    const profileId = before[0].key;
    expect(before.map((m) => m.key)).toEqual([profileId, profileId]);
    expect(after.key).toBe(profileId);
    expect(after.value.profileId).toBe(profileId);
    expect(after.value.identifiers).toEqual(
      expect.arrayContaining([
        { type: 'user_id', value: u('jane') },
        { type: 'email', value: `jane.${run}@example.com` },
      ]),
    );
    expect((await lookup(`user_id:${u('jane')}`)).body).toMatchObject({ profileId, firstMessageId: signup.messageId });
    expect((await lookup(`email:jane.${run}@example.com`)).body.profileId).toBe(profileId);
    const phoneSignup = identify(u('joe'), null, { phone: '+33612340000' });
    await send(phoneSignup);
    const [joe] = await resolvedOf(phoneSignup);
    // '+' left unencoded in the query string arrives as a space
    expect((await api('GET', '/v1/identities?identifier=phone:+33612340000')).body.profileId).toBe(joe.key);
    // as people type them: an email in capitals, a phone with spaces, brackets or 00 for its country code
    expect((await lookup(`email: Jane.${run}@Example.com`)).body.profileId).toBe(profileId);
    expect((await lookup('phone:+33 (6) 12-34-00-00')).body.profileId).toBe(joe.key);
    expect((await lookup('phone:0033 6 12 34 00 00')).body.profileId).toBe(joe.key);
    const national = await lookup('phone:06 12 34 00 00');
    expect(national.status).toBe(404);
    expect(national.body.message).toMatch(/give the country code/);
  });

  it('the same person on two devices: the profiles merge after login, and the merge log explains why', async () => {
    const phone = validEvent({ anonymousId: u('phone'), context: JSON.stringify({ device: { id: u('phone-device') } }) });
    await send(phone);
    const [phoneResolved] = await resolvedOf(phone);
    const laptopLogin = identify(u('max'), u('laptop'));
    await send(laptopLogin);
    const [laptopResolved] = await resolvedOf(laptopLogin);
    expect(laptopResolved.key).not.toBe(phoneResolved.key);

    const phoneLogin = identify(u('max'), u('phone'));
    await send(phoneLogin);
    const [merged] = await resolvedOf(phoneLogin);
    const [change] = await collector.waitFor(Topics.IdentityMerges, (v) => v.causingMessageId === phoneLogin.messageId);
    // The oldest profile survives: the phone's, created first.
    expect(change.value).toMatchObject({
      kind: 'merge',
      survivorProfileId: phoneResolved.key,
      absorbedProfileId: laptopResolved.key,
      rule: 'shared_identifier:user_id',
    });
    expect(change.key).toBe(phoneResolved.key);
    expect(change.value.identifiers).toEqual(
      expect.arrayContaining([
        { type: 'user_id', value: u('max') },
        { type: 'anonymous_id', value: u('phone') },
      ]),
    );
    expect(merged.key).toBe(phoneResolved.key);
    expect((await lookup(`anonymous_id:${u('laptop')}`)).body.profileId).toBe(phoneResolved.key);
    expect((await lookup(`device_id:${u('phone-device')}`)).body.profileId).toBe(phoneResolved.key);

    const why = await api('GET', `/v1/profiles/${laptopResolved.key}/merges`);
    expect(why.status).toBe(200);
    expect(why.body).toMatchObject({ profileId: phoneResolved.key, requestedProfileId: laptopResolved.key, mergedInto: phoneResolved.key });
    expect(why.body.merges).toEqual([
      expect.objectContaining({
        changeId: change.value.changeId,
        causingMessageId: phoneLogin.messageId,
        rule: 'shared_identifier:user_id',
      }),
    ]);
    const ids = await api('GET', `/v1/profiles/${phoneResolved.key}/identifiers`);
    expect(ids.body.identifiers.map((i: { type: string; value: string }) => `${i.type}:${i.value}`)).toEqual(
      expect.arrayContaining([
        `anonymous_id:${u('laptop')}`,
        `anonymous_id:${u('phone')}`,
        `user_id:${u('max')}`,
        `device_id:${u('phone-device')}`,
      ]),
    );
  });

  it('a shared family tablet with three users logging in never merges them; a fourth makes it a suspect value', async () => {
    const tablet = { device: { id: u('tablet') } };
    const logins = ['mum', 'dad', 'kid'].map((name) => identify(u(name), u(`${name}-anon`), {}, tablet));
    await send(...logins); // different keys: resolved in parallel on different partitions
    const resolved = await resolvedOf(...logins);
    expect(new Set(resolved.map((m) => m.key)).size).toBe(3);
    expect(collector.all(Topics.IdentityMerges).filter((m) => logins.some((l) => l.messageId === m.value.causingMessageId))).toEqual([]);
    expect(resolved.flatMap((m) => m.value.droppedIdentifiers)).toEqual([
      { type: 'device_id', value: u('tablet'), reason: 'conflicting_user_id' },
      { type: 'device_id', value: u('tablet'), reason: 'conflicting_user_id' },
    ]);

    const guest = identify(u('grandma'), null, {}, tablet);
    await send(guest);
    const [guestResolved] = await resolvedOf(guest);
    expect(guestResolved.value.droppedIdentifiers).toEqual([{ type: 'device_id', value: u('tablet'), reason: 'suspect_value' }]);
    expect(resolved.map((m) => m.key)).not.toContain(guestResolved.key);
    expect((await lookup(`device_id:${u('tablet')}`)).body.suspect).toMatchObject({ distinctUserIds: 4 });
    expect((await api('GET', '/v1/suspect-values', undefined, {})).status).toBe(401);
    const suspects = await api('GET', '/v1/suspect-values', undefined, auth);
    expect(suspects.body.suspectValues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'device_id', value: u('tablet'), distinctUserIds: 4, causingMessageId: guest.messageId }),
      ]),
    );
  });

  it('two accounts with the same email and different user_ids are not merged', async () => {
    const email = `shared.${run}@example.com`;
    const first = identify(u('ann'), null, { email });
    await send(first);
    await resolvedOf(first);
    const second = identify(u('bob'), null, { email });
    await send(second);
    const [a, b] = await resolvedOf(first, second);
    expect(a.key).not.toBe(b.key);
    expect(b.value.droppedIdentifiers).toEqual(expect.arrayContaining([{ type: 'email', value: email, reason: 'conflicting_user_id' }]));
    expect((await lookup(`email:${email}`)).body.profileId).toBe(a.key);
    const why = await api('GET', `/v1/profiles/${b.key}/merges`);
    expect(why.body.decisions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ messageId: second.messageId, type: 'email', value: email, reason: 'conflicting_user_id' }),
      ]),
    );
  });

  it("ignores a blocked value such as 'anonymous', and dead-letters an item with nothing else", async () => {
    const p = identify(u('pat'), 'anonymous');
    const q = identify(u('quinn'), 'anonymous');
    await send(p, q);
    const [rp, rq] = await resolvedOf(p, q);
    expect(rp.key).not.toBe(rq.key);
    expect(rq.value.droppedIdentifiers).toEqual([{ type: 'anonymous_id', value: 'anonymous', reason: 'blocked_value' }]);
    expect((await lookup('anonymous_id:anonymous')).status).toBe(404);

    const nobody = validEvent({ sourceId: `blocked-${run}`, anonymousId: 'anonymous' });
    await send(nobody);
    const [rejection] = await collector.waitFor(Topics.EventsRejected, (v) => v.messageId === nobody.messageId);
    expect(rejection.value).toMatchObject({
      reason: 'blocked_identifier',
      service: 'identity-resolver',
      itemKind: 'event',
      sourceId: `blocked-${run}`,
    });
  });

  it('links a CRM record to the profile holding its email, through the semantic-tag mapping', async () => {
    const email = `crm.${run}@example.com`;
    const web = identify(u('cara'), null, { email });
    await send(web);
    const [webResolved] = await resolvedOf(web);
    const record = validRecord({ mapping: { Email: 'email', Id: 'crm_id' }, attributes: JSON.stringify({ Email: email, Id: u('crm-7') }) });
    await sendRecord(record);
    const [recordResolved] = await resolvedOf(record);
    expect(recordResolved.key).toBe(webResolved.key);
    expect(recordResolved.value).toMatchObject({ kind: 'record', record: { recordId: record.recordId } });
    expect((await lookup(`crm_id:${u('crm-7')}`)).body.profileId).toBe(webResolved.key);
  });

  it('edits identity rules through the admin API (bearer token), and the next slice applies them', async () => {
    expect((await api('GET', '/v1/identity-rules', undefined, {})).status).toBe(401);
    const list = await api('GET', '/v1/identity-rules', undefined, auth);
    expect(list.body.rules).toEqual(
      expect.arrayContaining([expect.objectContaining({ identifierType: 'email', maxPerProfile: 5, priority: 2 })]),
    );
    expect((await api('PUT', '/v1/identity-rules/phone', { priority: 3, maxPerProfile: 5, blockedPatterns: ['('] }, auth)).status).toBe(
      400,
    );
    const badPattern = await api('PUT', '/v1/identity-rules/phone', { priority: 3, maxPerProfile: 5, blockedPatterns: ['^a', '('] }, auth);
    expect(badPattern.body.details).toEqual([
      { path: '/blockedPatterns/1', message: expect.stringContaining('is not a valid regular expression') },
    ]);
    const someProfile = '00000000-0000-4000-8000-000000000000';
    const badSplit = await api('POST', `/v1/profiles/${someProfile}/split`, { identifiers: ['email:a@example.com', 'nocolon'] }, auth);
    expect([badSplit.status, badSplit.body.details]).toEqual([400, [{ path: '/identifiers/1', message: 'is not type:value: "nocolon"' }]]);
    const put = await api(
      'PUT',
      '/v1/identity-rules/external:loyalty_id',
      { priority: 4, maxPerProfile: 1, blockedValues: [`void-${run}`] },
      auth,
    );
    expect(put).toMatchObject({
      status: 200,
      body: { identifierType: 'external:loyalty_id', maxPerProfile: 1, blockedValues: [`void-${run}`] },
    });

    const loyalty = (id: string) => ({ externalIds: [{ id, type: 'loyalty_id', collection: 'users', encoding: 'none' }] });
    const first = identify(u('lou'), null, {}, loyalty(u('L1')));
    await send(first);
    await resolvedOf(first);
    const second = identify(u('lou'), null, {}, loyalty(u('L2')));
    const blocked = identify(u('lou'), null, {}, loyalty(`void-${run}`));
    await send(second, blocked);
    const [r2, r3] = await resolvedOf(second, blocked);
    expect(r2.value.droppedIdentifiers).toEqual([{ type: 'external:loyalty_id', value: u('L2'), reason: 'limit_exceeded' }]);
    expect(r3.value.droppedIdentifiers).toEqual([{ type: 'external:loyalty_id', value: `void-${run}`, reason: 'blocked_value' }]);

    expect((await api('DELETE', '/v1/identity-rules/external:loyalty_id', undefined, auth)).status).toBe(204);
    expect((await api('DELETE', '/v1/identity-rules/*', undefined, auth)).status).toBe(400);
    expect((await api('GET', '/v1/identity-rules/external:loyalty_id', undefined, auth)).status).toBe(404);
  });

  it('a split undoes a wrong merge: identifiers and the items they alone brought move, and the profiles stay apart', async () => {
    const first = validEvent({ anonymousId: u('kiosk-s'), traits: JSON.stringify({ email: `s.${run}@example.com` }) });
    const second = validEvent({ anonymousId: u('kiosk-t'), traits: JSON.stringify({ email: `t.${run}@example.com` }) });
    await send(first);
    const [r1] = await resolvedOf(first);
    await send(second);
    const [r2] = await resolvedOf(second);
    const wrongLink = validEvent({ type: 'alias', event: null, anonymousId: u('kiosk-s'), previousId: u('kiosk-t') });
    await send(wrongLink);
    await resolvedOf(wrongLink);
    const [merge] = await collector.waitFor(Topics.IdentityMerges, (v) => v.causingMessageId === wrongLink.messageId);
    expect(merge.value).toMatchObject({ survivorProfileId: r1.key, absorbedProfileId: r2.key });
    // Another source reuses the moved item's messageId on an identifier that stays: its item must stay too.
    const reused = validEvent({ sourceId: `app-${run}`, messageId: second.messageId, anonymousId: u('kiosk-s') });
    await send(reused);
    await collector.waitFor(Topics.EventsResolved, (v) => v.messageId === reused.messageId && v.sourceId === reused.sourceId);

    // The email's hash is not named: it moves with the email, or the item that brought both would stay.
    const moved = [`anonymous_id:${u('kiosk-t')}`, `email:t.${run}@example.com`];
    const movedHash = { type: 'email_sha256', value: r2.value.identifiers.find((i) => i.type === 'email_sha256')!.value };
    expect((await api('POST', `/v1/profiles/${r1.key}/split`, { identifiers: moved })).status).toBe(401);
    expect((await api('POST', `/v1/profiles/${r1.key}/split`, { identifiers: [`email:nobody.${run}@example.com`] }, auth)).status).toBe(
      400,
    );
    expect((await api('POST', `/v1/profiles/${r2.key}/split`, { identifiers: moved }, auth)).status).toBe(409);
    const split = await api(
      'POST',
      `/v1/profiles/${r1.key}/split`,
      { identifiers: moved, reason: 'kiosk alias linked two visitors' },
      auth,
    );
    expect(split.status).toBe(201);
    const movedItems = [{ sourceId: second.sourceId, messageId: second.messageId }];
    expect(split.body).toMatchObject({ profileId: r1.key, movedMessageIds: [second.messageId] });
    expect(split.body.movedItems).toEqual(movedItems);
    expect(split.body.identifiers).toEqual(expect.arrayContaining([movedHash]));
    const newProfileId = split.body.newProfileId as string;
    const nothingLeft = await api('POST', `/v1/profiles/${newProfileId}/split`, { identifiers: moved }, auth);
    expect(nothingLeft.status).toBe(400);
    expect(nothingLeft.body.message).toBe(
      'a split must leave at least one identifier on the profile (an email takes its email_sha256 along)',
    );

    const [change] = await collector.waitFor(Topics.IdentityMerges, (v) => v.kind === 'split' && v.survivorProfileId === r1.key);
    expect(change.value).toMatchObject({
      absorbedProfileId: newProfileId,
      rule: 'manual_split',
      causingMessageId: null,
      movedMessageIds: [second.messageId],
      detail: 'kiosk alias linked two visitors',
    });
    expect(change.value.movedItems).toEqual(movedItems);
    expect((await lookup(`email:t.${run}@example.com`)).body.profileId).toBe(newProfileId);
    expect((await lookup(`email_sha256:${movedHash.value}`)).body.profileId).toBe(newProfileId);
    expect((await lookup(`anonymous_id:${u('kiosk-s')}`)).body.profileId).toBe(r1.key);

    const again = validEvent({ type: 'alias', event: null, anonymousId: u('kiosk-s'), previousId: u('kiosk-t') });
    await send(again);
    const [relinked] = await resolvedOf(again);
    expect(relinked.key).toBe(r1.key);
    expect(relinked.value.droppedIdentifiers).toEqual([{ type: 'anonymous_id', value: u('kiosk-t'), reason: 'other' }]);
    const history = await api('GET', `/v1/profiles/${r1.key}/merges`);
    expect(history.body.splits).toEqual([
      expect.objectContaining({ changeId: change.value.changeId, absorbedProfileId: newProfileId, rule: 'manual_split' }),
    ]);
  });

  it('answers 400 and 404 with clear messages', async () => {
    expect((await lookup('nonsense')).status).toBe(400);
    expect((await lookup(`email:nobody.${run}@example.com`)).status).toBe(404);
    expect((await api('GET', '/v1/profiles/not-a-uuid/merges')).status).toBe(400);
    expect((await api('GET', `/v1/profiles/${randomUUID()}/merges`)).status).toBe(404);
  });
});
