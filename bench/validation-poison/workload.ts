import { encode, Topics, type RawEvent } from '@tessera/contracts';
import type { Message } from 'kafkajs';

/**
 * How deep a poison event's property nests: JSON.stringify overflows Node 20's stack at about 5,000. Arrays, the
 * most compact nesting (10 KB of text), so the bytes a poison event adds stay small beside what its handling costs.
 */
export const POISON_DEPTH = 5_000;

/** A typical analytics.js track call as the gateway puts it on cdp.events.raw (about 700 bytes of JSON fields). */
function rawTrack(index: number, receivedAt: number): RawEvent {
  return {
    messageId: `bench-${index}`,
    sourceId: 'bench',
    receivedAt,
    type: 'track',
    userId: `user-${index % 5000}`,
    anonymousId: `anon-${index % 7919}-4f1c-9b0e-5d2a7c8e`,
    event: 'Order Completed',
    name: null,
    category: null,
    groupId: null,
    previousId: null,
    timestamp: '2026-11-22T08:00:00.000Z',
    sentAt: '2026-11-22T08:00:00.120Z',
    originalTimestamp: null,
    properties: JSON.stringify({
      orderId: `o-${index}`,
      revenue: 42.5,
      currency: 'usd',
      products: [
        { sku: 'sku-1', price: 20, quantity: 1 },
        { sku: 'sku-2', price: 22.5, quantity: 1 },
      ],
    }),
    traits: null,
    context: JSON.stringify({
      library: { name: 'analytics.js', version: '5.2.0' },
      page: { path: '/checkout', url: 'https://shop.example.com/checkout', referrer: 'https://shop.example.com/cart' },
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
      ip: '203.0.113.7',
      locale: 'en-US',
    }),
    integrations: null,
    extra: null,
  };
}

/** The same call with a property nested POISON_DEPTH deep (built as text: JSON.stringify itself would overflow). */
function poisoned(event: RawEvent): RawEvent {
  const deep = `${'['.repeat(POISON_DEPTH)}1${']'.repeat(POISON_DEPTH)}`;
  return { ...event, properties: `{"orderId":"${event.messageId}","revenue":1,"deep":${deep}}` };
}

/** Whether event `index` is a poison one: evenly spread, `share` of them (0.01 = 1 %). */
export function isPoison(index: number, share: number): boolean {
  return share > 0 && Math.floor((index + 1) * share) > Math.floor(index * share);
}

/** `events` encoded RawEvents keyed like the gateway keys them (userId), `share` of them poison. */
export function encodedWorkload(events: number, share: number): { messages: Message[]; poison: number; bytes: number } {
  const receivedAt = Date.parse('2026-11-22T08:00:01.000Z');
  const messages: Message[] = [];
  let poison = 0;
  for (let i = 0; i < events; i++) {
    let event = rawTrack(i, receivedAt);
    if (isPoison(i, share)) {
      event = poisoned(event);
      poison += 1;
    }
    messages.push({ key: event.userId, value: encode(Topics.EventsRaw, event) });
  }
  return { messages, poison, bytes: messages.reduce((n, m) => n + (m.value as Buffer).length, 0) };
}
