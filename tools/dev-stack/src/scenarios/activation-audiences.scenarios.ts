import { eventually } from '@tessera/testing';
import { createHash, randomBytes } from 'node:crypto';
import type { Json } from '../test-support/scenario-client';
import { webhookItems, type FakeRequest } from '../test-support/destination-fake';
import type { ActivationScenario } from '../test-support/activation-scenario';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');
/** Meta's own published vector (Custom Audiences targeting page). */
const MARY_SHA256 = 'f1904cf1a9d73a55fa5de0ac823c4403ded71afd4c3248d00bdcd0866552bb79';

/**
 * Audiences on the whole running pipeline (gateway to dispatcher, libs/destinations' real catalog), configured
 * through the admin APIs: a mirror sync correcting a webhook receiver that drifted by hand, and a Meta Custom
 * Audience (a local fake Graph API behind the configurable base URL) taking hashed rows, one record refused.
 */
export function activationAudiencesScenarios({ client, send, evaluator, dispatcher, fake, created }: ActivationScenario): void {
  const segment = (id: string) =>
    created(evaluator, '/v1/segments', { id, name: id, rule: { trait: 'traits.scenario', op: 'eq', value: id } });
  const identify = async (userId: string, traits: Json): Promise<Json> => {
    await send('identify', { userId, traits, timestamp: new Date().toISOString() });
    return client.waitForProfile('user_id', userId, (p) => p.traits.scenario === traits.scenario);
  };
  const members = async (segmentId: string): Promise<string[]> =>
    ((await evaluator('GET', `/v1/segments/${segmentId}/members?limit=1000`)).body.members as Json[]).map((m) => m.profileId).sort();
  /** A webhook on the same segment: once it received everyone's add, the dispatcher's projection holds them all. */
  const probe = async (segmentId: string) => {
    await created(dispatcher, '/v1/destinations', {
      id: `${segmentId}-probe`,
      name: 'probe',
      kind: 'webhook',
      config: { url: fake.url(`/${segmentId}-probe`) },
      secrets: { signingSecret: SECRET },
    });
    await created(dispatcher, '/v1/syncs', {
      id: `${segmentId}-probe-sync`,
      segmentId,
      destinationId: `${segmentId}-probe`,
      mode: 'add_remove',
    });
  };
  const probed = (segmentId: string, changes: string[], what: string) =>
    eventually(
      async () => {
        const seen = new Set(
          fake
            .requests(`/${segmentId}-probe`)
            .flatMap(webhookItems)
            .map((i) => `${i.action} ${i.profileId}`),
        );
        return changes.every((change) => seen.has(change)) ? true : undefined;
      },
      60_000,
      what,
    );

  it('mirror: after the receiver drifted by hand, a mirror sync makes it exactly equal to the segment', async () => {
    await segment('mirror');
    const people = await Promise.all(['m-1', 'm-2', 'm-3', 'm-4'].map((u) => identify(u, { scenario: 'mirror' })));
    const outsider = await identify('m-outsider', { scenario: 'elsewhere' });
    const ids = people.map((p) => p.profileId);
    await probe('mirror');
    await probed(
      'mirror',
      ids.map((id) => `add ${id}`),
      'the probe to receive every member',
    );
    await created(dispatcher, '/v1/destinations', {
      id: 'mirror-hook',
      name: 'listable',
      kind: 'webhook',
      config: { url: fake.url('/mirror'), membersUrl: fake.url('/mirror/members') },
      secrets: { signingSecret: SECRET },
    });
    await created(dispatcher, '/v1/syncs', { id: 'mirror-sync', segmentId: 'mirror', destinationId: 'mirror-hook', mode: 'mirror' });
    const held = fake.audience('/mirror', 'mirror-sync');
    await eventually(async () => (held.size === 4 ? true : undefined), 60_000, "the new sync's initial adds");

    // drift by hand on the receiver: one member lost, one outsider and one id Tessera never knew added
    held.delete(ids[0]);
    held.add(outsider.profileId);
    held.add('profile-nobody-knows');
    // and the segment moves on meanwhile: a mirror sync sends nothing in real time
    const late = await identify('m-5', { scenario: 'mirror' });
    await identify('m-4', { scenario: 'left' });
    const expected = [...ids.slice(0, 3), late.profileId].sort();
    await eventually(
      async () => (JSON.stringify(await members('mirror')) === JSON.stringify(expected) ? true : undefined),
      60_000,
      'the segment to settle',
    );
    await probed('mirror', [`add ${late.profileId}`, `remove ${ids[3]}`], "the dispatcher to see m-5's enter and m-4's exit");

    const report = await created(dispatcher, '/v1/syncs/mirror-sync/mirror', {});
    expect(report).toMatchObject({ source: 'destination', members: 4 });
    await eventually(
      async () => (JSON.stringify([...held].sort()) === JSON.stringify(expected) ? true : undefined),
      60_000,
      `the receiver to equal the segment (holds ${JSON.stringify([...held].sort())}, segment ${JSON.stringify(expected)})`,
    );
    expect(await members('mirror')).toEqual(expected);
    // a second mirror finds nothing to do
    expect(await created(dispatcher, '/v1/syncs/mirror-sync/mirror', {})).toMatchObject({ source: 'destination', added: 0, removed: 0 });
  }, 180_000);

  it('Meta: one add batch of correctly hashed email and phone rows; a batch refused for one record is split, and only the rest re-sent', async () => {
    const path = '/v21.0/6000000000001/users';
    const refused = sha256('refused@example.com');
    fake.respond(path, (r) => {
      const rows: string[][] = JSON.parse(new URLSearchParams(r.body).get('payload') ?? '{}').data ?? [];
      return rows.some((row) => row[0] === refused)
        ? { status: 400, body: { error: { message: '(#100) Invalid parameter', type: 'OAuthException', code: 100 } } }
        : { status: 200, body: { audience_id: '6000000000001', num_received: rows.length, num_invalid_entries: 0 } };
    });
    await segment('meta');
    const people = await Promise.all([
      identify('meta-mary', { scenario: 'meta', email: 'Mary@Example.com', phone: '+44 20 7031 3000' }),
      ...[1, 2, 3, 4, 5].map((i) =>
        identify(`meta-${i}`, { scenario: 'meta', email: `meta.${i}@example.com`, phone: `+1 415 555 010${i}` }),
      ),
      identify('meta-refused', { scenario: 'meta', email: 'refused@example.com' }),
    ]);
    await probe('meta');
    await probed(
      'meta',
      people.map((p) => `add ${p.profileId}`),
      'the dispatcher to see every member',
    );
    // created now, the sync's first diff enqueues every member at once: one batch
    await created(dispatcher, '/v1/destinations', {
      id: 'meta',
      name: 'Meta audience',
      kind: 'meta_audience',
      config: { audienceId: '6000000000001', baseUrl: fake.url(''), defaultCountry: 'US' },
      secrets: { accessToken: 'meta-token' },
    });
    await created(dispatcher, '/v1/syncs', { id: 'meta-sync', segmentId: 'meta', destinationId: 'meta', mode: 'add_remove' });
    const finished = await eventually(
      async () => {
        const { body } = await dispatcher('GET', '/v1/deliveries?syncId=meta-sync&limit=100');
        return body.deliveries.length === 7 && body.deliveries.every((d: Json) => d.status === 'delivered' || d.status === 'failed')
          ? body.deliveries
          : undefined;
      },
      60_000,
      'all seven deliveries finished',
    );

    const rowsOf = (r: FakeRequest): string[][] => JSON.parse(new URLSearchParams(r.body).get('payload') ?? '{}').data;
    const requests = fake.requests(path);
    const [first] = requests;
    expect(first.method).toBe('POST');
    expect(first.headers.authorization).toBe('Bearer meta-token');
    expect(JSON.parse(new URLSearchParams(first.body).get('payload')!).schema).toEqual(['EMAIL', 'PHONE']);
    // the first call carried the whole batch, each person hashed as Meta asks: trimmed lower-cased email, phone digits with country code
    const expectedRows = people.map((p) => {
      const email = p.identifiers.find((i: Json) => i.type === 'email')?.value;
      const phone = p.identifiers.find((i: Json) => i.type === 'phone')?.value;
      return [email ? sha256(email.trim().toLowerCase()) : '', phone ? sha256(phone.replace(/\D/g, '')) : ''];
    });
    expect(rowsOf(first).sort()).toEqual(expectedRows.sort());
    expect(rowsOf(first)).toContainEqual([MARY_SHA256, sha256('442070313000')]);
    expect(rowsOf(first)).toContainEqual([sha256('meta.1@example.com'), sha256('14155550101')]);

    // refused whole for one record, the batch was split: every other row taken exactly once, the refused one alone refused
    const taken = requests
      .filter((r) => r.status === 200)
      .flatMap(rowsOf)
      .map((row) => row[0]);
    expect(taken.sort()).toEqual(
      expectedRows
        .map((row) => row[0])
        .filter((h) => h !== refused)
        .sort(),
    );
    expect(rowsOf(requests.filter((r) => r.status === 400).at(-1)!)).toEqual([[refused, '']]);
    const byStatus = finished.map((d: Json) => `${d.status} ${d.item.profileId === people[6].profileId}`).sort();
    expect(byStatus).toEqual([...Array(6).fill('delivered false'), 'failed true']);
    expect(finished.find((d: Json) => d.status === 'failed').reason).toMatch(/Meta refused the request: 400 \(code 100\)/);
    console.log(
      `Meta: ${requests.length} calls (${requests.map((r) => `${r.status}:${rowsOf(r).length}`).join(' ')}) for one batch of 7 with one refused record`,
    );
  }, 180_000);
}
