import { identifiersOf, timeAfter, type ScenarioSuite } from '../test-support/scenario-suite';

/**
 * Input that validation repairs instead of losing, through the whole running pipeline (HTTP into the gateway,
 * validation, identity resolver, profile merger): placeholder identifier values, impossible and far-future
 * timestamps, and values that must not be acknowledged with 200 and then dead-lettered.
 */

const at = timeAfter(Date.UTC(2026, 0, 1));

export function blockedIdentifierScenarios({ client, send }: ScenarioSuite): void {
  it('identify {userId: "bob", anonymousId: "anonymous"}: Bob gets his profile and traits, the placeholder links nobody', async () => {
    await send('identify', {
      userId: 'bob',
      anonymousId: 'anonymous',
      traits: { firstName: 'Bob', email: 'bob@example.com' },
      timestamp: at(0),
      messageId: 'bob-identify',
    });
    // A second visitor with the same placeholder must not be glued to Bob.
    await send('identify', {
      userId: 'carol',
      anonymousId: 'anonymous',
      traits: { firstName: 'Carol' },
      timestamp: at(1),
      messageId: 'carol-identify',
    });

    const bob = await client.waitForProfile('user_id', 'bob', (p) => p.summary.itemCount === 1);
    expect(bob.traits).toMatchObject({ 'given-name': 'Bob', email: 'bob@example.com' });
    expect(identifiersOf(bob)).toEqual(expect.arrayContaining(['email:bob@example.com', 'user_id:bob']));
    expect(identifiersOf(bob)).not.toContain('anonymous_id:anonymous');
    const carol = await client.waitForProfile('user_id', 'carol', (p) => p.summary.itemCount === 1);
    expect(carol.profileId).not.toBe(bob.profileId);
    expect(identifiersOf(carol)).not.toContain('anonymous_id:anonymous');
    expect((await client.profileByIdentifier('anonymous_id', 'anonymous')).status).toBe(404);
    expect(await client.rejections('dev')).not.toContainEqual(expect.objectContaining({ messageId: 'bob-identify' }));
  });

  it("the resolver's own per-type blocked patterns still drop their identifiers, after validation's removals", async () => {
    await client.putIdentityRule('anonymous_id', {
      priority: 10,
      maxPerProfile: null,
      maxDistinctUserIds: 3,
      blockedPatterns: ['^sdk-default-'],
    });
    // validation removes the global placeholder (userId "null"); the resolver drops the anonymousId its rule blocks
    await send('identify', {
      userId: 'u-pattern',
      anonymousId: 'sdk-default-7',
      groupId: 'null',
      traits: { firstName: 'Pat' },
      timestamp: at(5),
      messageId: 'pattern-1',
    });
    await send('identify', { userId: 'null', anonymousId: 'anon-pattern-2', timestamp: at(6), messageId: 'pattern-2' });

    const pat = await client.waitForProfile('user_id', 'u-pattern', (p) => p.summary.itemCount === 1);
    expect(identifiersOf(pat)).toEqual(['user_id:u-pattern']);
    expect(pat.traits['given-name']).toBe('Pat');
    const second = await client.waitForProfile('anonymous_id', 'anon-pattern-2', (p) => p.summary.itemCount === 1);
    expect(identifiersOf(second)).toEqual(['anonymous_id:anon-pattern-2']);
    expect((await client.profileByIdentifier('anonymous_id', 'sdk-default-7')).status).toBe(404);
  });

  it('a device clock in 2099 does not set lastSeen to 2099, and 2026-02-30 is refused at the door, not rolled over to March', async () => {
    const before = Date.now();
    await send('track', { userId: 'u-clock', event: 'App Opened', timestamp: at(10), messageId: 'clock-ok' });
    await send('track', { userId: 'u-clock', event: 'App Opened', timestamp: '2099-06-01T00:00:00.000Z', messageId: 'clock-2099' });
    // validation could never read it, so the gateway answers 400 instead of 200 and a dead letter
    await expect(
      send('track', { userId: 'u-clock', event: 'App Opened', timestamp: '2026-02-30T10:00:00.000Z', messageId: 'clock-feb-30' }),
    ).rejects.toThrow(/gateway answered 400 .*"path":"\/timestamp"/);

    const profile = await client.waitForProfile('user_id', 'u-clock', (p) => p.summary.eventCounts['App Opened']?.count === 2);
    const lastSeen = Date.parse(profile.summary.lastSeen);
    // The 2099 reading was replaced by the gateway's receipt time.
    expect(lastSeen).toBeGreaterThanOrEqual(before - 1000);
    expect(lastSeen).toBeLessThanOrEqual(Date.now());
    expect(profile.summary.firstSeen).toBe(at(10));
    expect(profile.summary.eventCounts['App Opened'].lastAt).not.toMatch(/^2099|^2026-03-02/);
  });

  it('nothing is acknowledged that cannot be processed: prototype-named traits, NUL bytes, lone surrogates, huge revenue', async () => {
    const traits = JSON.parse('{"constructor":"c","toString":"t","hasOwnProperty":"h","__proto__":{"x":1}}');
    await send('identify', { userId: 'u-proto', traits, timestamp: at(20), messageId: 'hostile-proto' });
    await send('identify', {
      userId: 'u-nul',
      traits: { name: 'a\u0000b', 'k\u0000ey': 'v' },
      timestamp: at(21),
      messageId: 'hostile-nul-traits',
    });
    await send('track', { userId: 'u-nul', event: 'Bad\u0000Event', timestamp: at(22), messageId: 'hostile-nul-event' });
    await send('identify', {
      userId: 'u-surrogate',
      traits: { name: 'a\ud800b', email: 'x\udc00@example.com' },
      timestamp: at(23),
      messageId: 'hostile-surrogate',
    });
    await send('identify', { userId: 'u-nul\u0000id', timestamp: at(24), messageId: 'hostile-nul-userid' });
    await send('track', {
      userId: 'u-big-spender',
      event: 'Order Completed',
      properties: { revenue: 9.3e12, currency: 'USD' },
      timestamp: at(25),
      messageId: 'hostile-revenue-big',
    });
    await send('track', {
      userId: 'u-big-spender',
      event: 'Order Completed',
      properties: { revenue: '1e400', currency: 'USD' },
      timestamp: at(26),
      messageId: 'hostile-revenue-inf',
    });
    await send('track', {
      userId: 'u-big-spender',
      event: 'Order Completed',
      properties: { revenue: 12.5, currency: 'USD' },
      timestamp: at(27),
      messageId: 'hostile-revenue-ok',
    });

    const proto = await client.waitForProfile('user_id', 'u-proto', (p) => p.summary.itemCount === 1);
    expect(JSON.stringify(proto.traits)).toBe('{"__proto__":{"x":1},"constructor":"c","hasOwnProperty":"h","toString":"t"}');
    const nul = await client.waitForProfile('user_id', 'u-nul', (p) => p.summary.itemCount === 2);
    expect(nul.traits).toMatchObject({ name: 'ab', key: 'v' });
    expect(Object.keys(nul.summary.eventCounts)).toContain('BadEvent');
    const surrogate = await client.waitForProfile('user_id', 'u-surrogate', (p) => p.summary.itemCount === 1);
    expect(surrogate.traits).toMatchObject({ name: 'a\ufffdb', email: 'x\ufffd@example.com' });
    const spender = await client.waitForProfile('user_id', 'u-big-spender', (p) => p.summary.itemCount === 1);
    expect(spender.transactions).toMatchObject({ revenueTotal: 12.5, orderCount: 1 });

    const rejection = (messageId: string) =>
      client.waitForMatch(
        () => client.rejections('dev'),
        (r) => r.messageId === messageId,
      );
    expect(await rejection('hostile-nul-userid')).toMatchObject({ service: 'validation', reason: 'invalid_identifier', path: 'userId' });
    expect(await rejection('hostile-revenue-big')).toMatchObject({
      service: 'validation',
      reason: 'invalid_revenue',
      path: 'properties.revenue',
    });
    expect(await rejection('hostile-revenue-inf')).toMatchObject({
      service: 'validation',
      reason: 'invalid_revenue',
      path: 'properties.revenue',
    });
  });
}
