import type { Json } from '../test-support/scenario-client';
import { eventCount, timeAfter, type ScenarioSuite } from '../test-support/scenario-suite';

/**
 * An item is (sourceId, messageId) through the whole running pipeline (gateway, validation, resolver, merger as
 * processes on the embedded broker and Postgres): two sources reusing a messageId keep two campaign touches, and
 * a split (cdp.identity.merges v2, movedItems) takes exactly one source's item and its touch to the new profile.
 */

const at = timeAfter(Date.UTC(2026, 3, 1));
const touchesOf = (profile: Json): Array<[string, string]> =>
  profile.campaigns.recentTouches.map((t: Json) => [t.sourceId, t.source] as [string, string]).sort();

export function itemIdentityScenarios({ client, send }: ScenarioSuite): void {
  it("two sources' campaign touches with one messageId are two touches, and a split moves the right source's one", async () => {
    const second = await client.createSource('item-identity-second-source');
    await send('track', {
      anonymousId: 'anon-touch',
      event: 'Landed',
      context: { campaign: { source: 'google', medium: 'cpc' } },
      timestamp: at(1),
      messageId: 'touch-msg-1',
    });
    await client.send(second.writeKey, 'track', {
      userId: 'u-touch',
      event: 'Landed',
      context: { campaign: { source: 'newsletter', medium: 'email' } },
      timestamp: at(2),
      messageId: 'touch-msg-1',
    });
    await client.waitForProfile('anonymous_id', 'anon-touch', (p) => p.summary.itemCount === 1);
    await client.waitForProfile('user_id', 'u-touch', (p) => p.summary.itemCount === 1);
    await send('identify', { userId: 'u-touch', anonymousId: 'anon-touch', timestamp: at(3), messageId: 'touch-login' });

    const merged = await client.waitForProfile('user_id', 'u-touch', (p) => p.summary.itemCount === 3);
    expect(eventCount(merged, 'Landed')).toBe(2);
    expect(merged.campaigns.touchCount).toBe(2);
    expect(touchesOf(merged)).toEqual(
      [
        ['dev', 'google'],
        [second.id, 'newsletter'],
      ].sort(),
    );

    const split = await client.split(merged.profileId, ['anonymous_id:anon-touch'], 'the visitor was someone else');
    expect(split.status).toBe(201);
    expect(split.body.movedItems).toEqual([{ sourceId: 'dev', messageId: 'touch-msg-1' }]);
    const visitor = await client.waitForProfileId(split.body.newProfileId, (p) => p.summary.itemCount === 1);
    expect(touchesOf(visitor)).toEqual([['dev', 'google']]);
    const user = await client.waitForProfileId(merged.profileId, (p) => p.summary.itemCount === 2);
    expect(user.campaigns.touchCount).toBe(1);
    expect(touchesOf(user)).toEqual([[second.id, 'newsletter']]);
  });
}
