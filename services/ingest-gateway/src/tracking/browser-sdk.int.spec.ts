import { Topics } from '@tessera/contracts';
import { createTestSchema, createTestTopics, startTestBroker, TopicCollector, type TestBroker } from '@tessera/testing';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, normalize } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { GatewayHarness, type CreatedSource } from '../test-support/gateway-harness';

/** Debian's chromium: the suite drives the machine's browser and never downloads one (see the README). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ANALYTICS_UMD = join(dirname(require.resolve('@segment/analytics-next/package.json')), 'dist', 'umd');

/** The customer's site: another origin than the gateway's, serving a page and analytics.js (analytics-next's UMD build). */
function siteServer(page: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    const file = normalize(join(ANALYTICS_UMD, path.replace(/^\/umd\//, '/')));
    if (!file.startsWith(ANALYTICS_UMD)) return void res.writeHead(404).end();
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': 'application/javascript' }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })),
  );
}

/**
 * Segment's browser SDK (analytics-next, the analytics.js of today) in a real Chromium, on a page of another origin
 * than the gateway's: a browser sends its calls only when the gateway answers CORS, so without it every event of a
 * website is lost while the SDK reports it delivered.
 */
describe('analytics.js in a real browser -> gateway -> cdp.events.raw (embedded broker and Postgres)', () => {
  let broker: TestBroker;
  let gateway: GatewayHarness;
  let source: CreatedSource;
  let collector: TopicCollector;
  let browser: Browser;
  let site: { server: Server; url: string };
  const run = Date.now();

  beforeAll(async () => {
    broker = await startTestBroker();
    await createTestTopics(broker.brokers, [Topics.EventsRaw, Topics.RecordsRaw]);
    gateway = await new GatewayHarness(broker.brokers, await createTestSchema('browser_gateway')).start();
    source = await gateway.createSource('website');
    collector = new TopicCollector(broker.brokers, [Topics.EventsRaw]);
    await collector.start();
    site = await siteServer('<html><body><script src="/umd/index.js"></script></body></html>');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => site?.server.close(resolve));
    await collector?.stop();
    await gateway?.stop();
    await broker?.stop();
  });

  it('track, identify and page from the page arrive, and the SDK reads every answer', async () => {
    const page = await browser.newPage();
    const blocked: string[] = [];
    page.on('console', (message) => {
      if (/CORS|ERR_FAILED/.test(message.text())) blocked.push(message.text());
    });
    const answers: number[] = [];
    page.on('response', (response) => {
      if (response.url().startsWith(gateway.url)) answers.push(response.status());
    });
    await page.goto(site.url);
    const apiHost = `${new URL(gateway.url).host}/v1`;
    const deliveries = await page.evaluate(
      async ({ writeKey, apiHost, user }) => {
        type Ctx = { failedDelivery(): { reason: unknown } | undefined };
        const next = (globalThis as unknown as { AnalyticsNext: { AnalyticsBrowser: { load(...args: unknown[]): Promise<[never]> } } })
          .AnalyticsNext;
        const [analytics] = await next.AnalyticsBrowser.load({
          writeKey,
          cdnURL: (globalThis as unknown as { location: { origin: string } }).location.origin,
          cdnSettings: { integrations: { 'Segment.io': { apiKey: writeKey, apiHost, protocol: 'http' } } },
        });
        const sdk = analytics as unknown as Record<'track' | 'identify' | 'page', (...args: unknown[]) => Promise<Ctx>>;
        const contexts = [
          await sdk.track('Browser Checkout', { plan: 'pro', run: user }),
          await sdk.identify(user, { email: `${user}@example.com` }),
          await sdk.page('Docs', 'Pricing', { run: user }),
        ];
        return contexts.map((ctx) => String(ctx.failedDelivery()?.reason ?? 'delivered'));
      },
      { writeKey: source.writeKey, apiHost, user: `browser-${run}` },
    );
    expect(deliveries).toEqual(['delivered', 'delivered', 'delivered']);
    expect(blocked).toEqual([]);
    expect(answers.length).toBeGreaterThanOrEqual(3);
    expect(answers.every((status) => status === 200 || status === 204)).toBe(true);

    const events = await collector.waitFor(Topics.EventsRaw, (e) => e.sourceId === source.source.id, 3, 20_000);
    expect(events.map((e) => e.value.type).sort()).toEqual(['identify', 'page', 'track']);
    expect(events.find((e) => e.value.type === 'identify')!.value.userId).toBe(`browser-${run}`);
    await page.close();
  }, 60_000);

  it('answers the preflight of an SDK that sends Authorization and JSON (RudderStack style); admin routes stay closed', async () => {
    const page = await browser.newPage();
    await page.goto(site.url);
    const outcome = await page.evaluate(
      async ({ url, writeKey, user }) => {
        const call = await fetch(`${url}/v1/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Basic ${btoa(`${writeKey}:`)}` },
          body: JSON.stringify({ batch: [{ type: 'track', event: 'Rudder Style', anonymousId: user }] }),
        }).then(
          async (res) => `${res.status} ${await res.text()}`,
          (err: Error) => `error ${err.message}`,
        );
        const admin = await fetch(`${url}/v1/sources`, { headers: { authorization: 'Bearer x' } }).then(
          (res) => `${res.status}`,
          (err: Error) => `error ${err.message}`,
        );
        return { call, admin };
      },
      { url: gateway.url, writeKey: source.writeKey, user: `rudder-${run}` },
    );
    expect(outcome).toEqual({ call: '200 {"success":true}', admin: 'error Failed to fetch' });
    const [event] = await collector.waitFor(Topics.EventsRaw, (e) => e.anonymousId === `rudder-${run}`, 1, 20_000);
    expect(event.value).toMatchObject({ type: 'track', event: 'Rudder Style', sourceId: source.source.id });
    await page.close();
  }, 60_000);
});
