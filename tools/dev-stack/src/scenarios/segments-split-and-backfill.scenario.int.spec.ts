import { eventually } from '@tessera/testing';
import { evaluatorApi } from '../test-support/evaluator-api';
import { eventCount, useScenarioPipeline } from '../test-support/scenario-suite';

/**
 * Segment-evaluator items on the whole running pipeline, through the public HTTP APIs: a split through the identity
 * resolver's API gives the split-off profile its events back in the evaluator too, and a computed trait defined
 * after the profiles exist is backfilled over them.
 */
describe('segments: splits and computed-trait backfill on the whole running pipeline', () => {
  const { client, send, url } = useScenarioPipeline({ withServices: ['segment-evaluator'] });
  const { evaluator, profileSegments } = evaluatorApi(() => url('segment-evaluator'));
  const segmentIds = (body: { memberships: Array<{ segmentId: string }> }) => body.memberships.map((m) => m.segmentId).sort();

  it('a split: the survivor leaves the segment only the split-off events put it in, and the split-off profile enters it', async () => {
    expect(
      (
        await evaluator('POST', '/v1/computed-traits', {
          key: 'views_30d',
          event: 'Product Viewed',
          aggregate: 'count',
          window: { days: 30 },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await evaluator('POST', '/v1/segments', {
          id: 'browsers',
          name: 'viewed twice',
          rule: { computed: 'views_30d', op: 'gte', value: 2 },
        })
      ).status,
    ).toBe(201);
    expect(
      (await evaluator('POST', '/v1/segments', { id: 'buyers', name: 'ordered', rule: { event: 'Order Completed', atLeast: 1 } })).status,
    ).toBe(201);
    const at = (seconds: number) => new Date(Date.now() - 3_600_000 + seconds * 1000).toISOString();
    await send('identify', { userId: 'u-sal', timestamp: at(1), messageId: 'sal-signup' });
    await send('track', {
      userId: 'u-sal',
      event: 'Order Completed',
      properties: { revenue: 5, order_id: 'sal-o1' },
      timestamp: at(2),
      messageId: 'sal-order',
    });
    const sal = await client.waitForProfile('user_id', 'u-sal', (p) => p.summary.itemCount === 2);
    const laptop = { anonymousId: 'anon-sue' };
    await send('track', { ...laptop, event: 'Product Viewed', timestamp: at(10), messageId: 'sue-view-1' });
    await send('track', { ...laptop, event: 'Product Viewed', timestamp: at(11), messageId: 'sue-view-2' });
    const sue = await client.waitForProfile('anonymous_id', 'anon-sue', (p) => p.summary.itemCount === 2);
    await profileSegments(sue.profileId, (b) => segmentIds(b).join() === 'browsers', 'the browser in browsers');
    // Sal signs in once on Sue's laptop: wrongly one person, in both segments
    await send('track', { ...laptop, userId: 'u-sal', event: 'Signed In', timestamp: at(20), messageId: 'sal-on-sue-laptop' });
    await client.waitForProfile('user_id', 'u-sal', (p) => eventCount(p, 'Product Viewed') === 2);
    await profileSegments(
      sal.profileId,
      (b) => segmentIds(b).join() === 'browsers,buyers' && b.computedTraits.views_30d === 2,
      'the wrong merge in both segments',
    );

    const split = await client.split(sal.profileId, ['anonymous_id:anon-sue'], 'Sue is not Sal');
    expect(split.status).toBe(201);
    const sueAgain: string = split.body.newProfileId;
    const salAfter = await profileSegments(
      sal.profileId,
      (b) => segmentIds(b).join() === 'buyers' && b.computedTraits.views_30d === 0,
      'Sal back to his own events',
    );
    expect(salAfter.memberships[0]).toMatchObject({ segmentId: 'buyers' });
    const sueAfter = await profileSegments(
      sueAgain,
      (b) => segmentIds(b).join() === 'browsers' && b.computedTraits.views_30d === 2,
      'Sue with her views',
    );
    expect(sueAfter.mergedInto).toBeNull();
  });

  it('a computed trait defined after 300 profiles exist is computed over all of them, with progress', async () => {
    const people = Array.from({ length: 300 }, (_, i) => ({
      type: 'track',
      userId: `u-ct-${i}`,
      event: 'Newsletter Opened',
      timestamp: new Date(Date.now() - 60_000).toISOString(),
      messageId: `ct-${i}`,
    }));
    await send('batch', { batch: people });
    await eventually(
      async () => {
        const preview = await evaluator('POST', '/v1/segments/preview', {
          rule: { event: 'Newsletter Opened', atLeast: 1 },
          sampleSize: 0,
        });
        return preview.body.count === 300 ? true : undefined;
      },
      120_000,
      'all 300 profiles in the evaluator',
    );

    expect(
      (
        await evaluator('POST', '/v1/computed-traits', {
          key: 'newsletters_7d',
          event: 'Newsletter Opened',
          aggregate: 'count',
          window: { days: 7 },
        })
      ).status,
    ).toBe(201);
    const done = await eventually(
      async () => {
        const { body } = await evaluator('GET', '/v1/computed-traits/newsletters_7d');
        return body.backfill?.state === 'done' ? body : undefined;
      },
      120_000,
      'the backfill',
    );
    expect(done.backfill.done).toBe(done.backfill.total);
    expect(done.backfill.total).toBeGreaterThanOrEqual(300);
    // no new event: the value is there because the backfill computed it
    const profile = await client.waitForProfile('user_id', 'u-ct-7', () => true);
    expect((await profileSegments(profile.profileId, () => true, 'the profile')).computedTraits.newsletters_7d).toBe(1);
    expect(
      (await evaluator('POST', '/v1/segments/preview', { rule: { computed: 'newsletters_7d', op: 'eq', value: 1 }, sampleSize: 0 })).body
        .count,
    ).toBe(300);
  });
});
