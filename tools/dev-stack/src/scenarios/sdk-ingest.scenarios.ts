import RudderAnalytics from '@rudderstack/rudder-sdk-node';
import { Analytics as SegmentAnalytics } from '@segment/analytics-node';
import { deflateSync, gzipSync } from 'node:zlib';
import type { Json, ScenarioUrls } from '../test-support/scenario-client';
import {
  eventCount,
  identifiersOf,
  SCENARIO_ADMIN_TOKEN,
  SCENARIO_DEV_WRITE_KEY,
  timeAfter,
  type ScenarioSuite,
} from '../test-support/scenario-suite';

/**
 * Ingest as real clients do it, through the whole running pipeline: the Segment and RudderStack Node SDKs (the
 * latter sends every batch gzipped as application/x-www-form-urlencoded), and hand-written calls with whatever
 * Content-Type and Content-Encoding they happen to send. Every accepted event must reach the profile; a body that
 * is not JSON must be refused, never acknowledged. And hostile URLs get a 400 from every service, never a 500.
 */

const at = timeAfter(Date.UTC(2026, 2, 1));
const basic = `Basic ${Buffer.from(`${SCENARIO_DEV_WRITE_KEY}:`).toString('base64')}`;

export function sdkIngestScenarios({ client }: ScenarioSuite): void {
  it('the RudderStack Node SDK (gzipped form-urlencoded batches): every call reaches the profile', async () => {
    const errors: unknown[] = [];
    const rudder = new RudderAnalytics(SCENARIO_DEV_WRITE_KEY, {
      dataPlaneUrl: client.urlOf('gateway'),
      flushAt: 100,
      flushInterval: 60_000,
      retryCount: 0,
      logLevel: 'error',
      errorHandler: (error) => errors.push(error),
    });
    rudder.page({ anonymousId: 'anon-rs', name: 'Pricing', timestamp: new Date(at(0)) });
    rudder.identify({
      anonymousId: 'anon-rs',
      userId: 'u-rs',
      traits: { email: 'rs@example.com', firstName: 'Rudi' },
      timestamp: new Date(at(1)),
    });
    rudder.track({ userId: 'u-rs', event: 'Product Viewed', properties: { sku: 'rs-1' }, timestamp: new Date(at(2)) });
    rudder.track({ userId: 'u-rs', event: 'Product Viewed', properties: { sku: 'rs-2' }, timestamp: new Date(at(3)) });
    rudder.screen({ userId: 'u-rs', name: 'Settings', timestamp: new Date(at(4)) });
    await rudder.flush();
    expect(errors).toEqual([]);

    const profile = await client.waitForProfile('user_id', 'u-rs', (p) => p.summary.itemCount === 5);
    expect(eventCount(profile, 'Product Viewed')).toBe(2);
    expect(eventCount(profile, '$identify')).toBe(1);
    expect(profile).toMatchObject({ bestEmail: 'rs@example.com', traits: { 'given-name': 'Rudi' } });
    expect(identifiersOf(profile)).toEqual(expect.arrayContaining(['anonymous_id:anon-rs', 'user_id:u-rs', 'email:rs@example.com']));
  });

  it('the Segment Node SDK: every call reaches the profile', async () => {
    const segment = new SegmentAnalytics({
      writeKey: SCENARIO_DEV_WRITE_KEY,
      host: client.urlOf('gateway'),
      flushAt: 100,
      flushInterval: 60_000,
      maxRetries: 0,
    });
    const errors: unknown[] = [];
    segment.on('error', (error) => errors.push(error));
    segment.identify({ userId: 'u-seg', traits: { email: 'seg@example.com' }, timestamp: at(10), messageId: 'seg-identify' });
    segment.track({ userId: 'u-seg', event: 'Signed Up', timestamp: at(11), messageId: 'seg-signup' });
    segment.page({ userId: 'u-seg', name: 'Home', timestamp: at(12), messageId: 'seg-page' });
    await segment.closeAndFlush({ timeout: 20_000 });
    expect(errors).toEqual([]);

    const profile = await client.waitForProfile('user_id', 'u-seg', (p) => p.summary.itemCount === 3);
    expect(profile.bestEmail).toBe('seg@example.com');
    expect(eventCount(profile, 'Signed Up')).toBe(1);
    expect((await client.timeline(profile.profileId)).map((e: Json) => e.messageId)).toEqual(['seg-page', 'seg-signup', 'seg-identify']);
  });

  it('hand-written calls: any Content-Type, gzip or deflate, on single calls and batches, all reach the profile; a body that is not JSON is refused', async () => {
    const post = (path: string, body: Buffer, headers: Record<string, string>) =>
      fetch(`${client.urlOf('gateway')}${path}`, { method: 'POST', headers: { authorization: basic, ...headers }, body });
    const call = (n: number) =>
      Buffer.from(
        JSON.stringify({ userId: 'u-any-type', event: 'Clicked', properties: { n }, timestamp: at(20 + n), messageId: `any-type-${n}` }),
      );
    const sends: [string, Buffer, Record<string, string>][] = [
      // Single calls with a form type are JSON all the same: answered 200 only if they reach a profile.
      ['/v1/track', call(0), { 'content-type': 'application/x-www-form-urlencoded' }],
      ['/v1/track', gzipSync(call(1)), { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' }],
      ['/v1/t', call(2), { 'content-type': 'text/plain;charset=UTF-8' }],
      ['/v1/track', call(3), { 'content-type': 'application/octet-stream' }],
      ['/v1/track', call(4), {}],
      ['/v1/track', deflateSync(call(5)), { 'content-type': 'application/json', 'content-encoding': 'deflate' }],
      [
        '/v1/batch',
        deflateSync(
          Buffer.from(
            JSON.stringify({
              batch: [{ type: 'identify', userId: 'u-any-type', traits: { plan: 'gold' }, timestamp: at(30), messageId: 'any-type-batch' }],
            }),
          ),
        ),
        { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'deflate' },
      ],
    ];
    for (const [path, body, headers] of sends)
      expect({ path, headers, status: (await post(path, body, headers)).status }).toEqual({ path, headers, status: 200 });

    const refused = await post('/v1/track', Buffer.from('userId=u-any-type&event=Clicked'), {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ statusCode: 400, path: '/v1/track', message: expect.stringContaining('not valid JSON') });

    const profile = await client.waitForProfile('user_id', 'u-any-type', (p) => p.summary.itemCount === 7);
    expect(eventCount(profile, 'Clicked')).toBe(6);
    expect(profile.traits).toMatchObject({ plan: 'gold' });
  });

  it('a NUL character (%00) in any path or query of any service is a 400 in the shared JSON shape, never a 500', async () => {
    const services: (keyof ScenarioUrls)[] = ['gateway', 'validation', 'resolver', 'merger'];
    const answers: string[] = [];
    for (const service of services) {
      const base = client.urlOf(service);
      const openapi = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
      for (const [template, operations] of Object.entries(openapi.paths)) {
        for (const method of Object.keys(operations).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))) {
          const withParams = template.replace(/\{[^}]+\}/g, 'a%00b');
          const urls = template.includes('{')
            ? [withParams, `${template.replace(/\{[^}]+\}/g, 'x')}?q=%00`]
            : [`${template}?q=%00&identifier=user_id:%00`];
          for (const url of urls) {
            const res = await fetch(`${base}${url}`, {
              method: method.toUpperCase(),
              headers: {
                authorization: `Bearer ${SCENARIO_ADMIN_TOKEN}`,
                ...(method === 'get' || method === 'delete' ? {} : { 'content-type': 'application/json' }),
              },
              body: method === 'get' || method === 'delete' ? undefined : '{}',
            });
            const body = (await res.json()) as Json;
            answers.push(
              `${service} ${method.toUpperCase()} ${url} -> ${res.status} ${body.statusCode === res.status && typeof body.path === 'string' ? 'shaped' : JSON.stringify(body)}`,
            );
          }
        }
      }
    }
    expect(answers.length).toBeGreaterThan(30);
    expect(answers.filter((answer) => !/ -> 400 shaped$/.test(answer))).toEqual([]);
  });
}
