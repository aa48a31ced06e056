/* eslint-disable @typescript-eslint/no-require-imports -- kafkajs's untyped internals */
import { eventually } from '@tessera/testing';
import { fixRequestQueueTimer } from './kafkajs-request-queue';

interface Queue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  fulfillRequest(response: { correlationId: number; payload: Buffer | null; size: number }): void;
  push(request: { entry: Record<string, unknown>; expectResponse: boolean; sendRequest: () => void }): void;
  destroy(): void;
}

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const RequestQueue = require('kafkajs/src/network/requestQueue') as new (options: Record<string, unknown>) => Queue;
const newQueue = (): Queue =>
  new RequestQueue({
    maxInFlightRequests: 1,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 't',
    broker: 'b:1',
    logger: quiet,
  });
const entry = (correlationId: number) => ({
  correlationId,
  apiKey: 18,
  apiName: 'ApiVersions',
  apiVersion: 0,
  resolve: () => {},
  reject: () => {},
});

describe('kafkajs RequestQueue timer fix', () => {
  beforeAll(() => fixRequestQueueTimer());

  it('arms no timer once an answer leaves nothing pending (kafkajs re-armed a 1 ms timer forever)', () => {
    const queue = newQueue();
    queue.fulfillRequest({ correlationId: 1, payload: null, size: 0 });
    expect(queue.throttleCheckTimeoutId).toBeNull();
  });

  it('still sends a request that waited out a client-side throttle, by the timer', async () => {
    const queue = newQueue();
    queue.throttledUntil = Date.now() + 50;
    const sent: number[] = [];
    queue.push({ entry: entry(7), expectResponse: false, sendRequest: () => sent.push(7) });
    expect(queue.pending).toHaveLength(1);
    expect(queue.throttleCheckTimeoutId).not.toBeNull();
    await eventually(() => sent.length === 1, 2_000, 'the throttled request sent');
    expect(sent).toEqual([7]);
    expect(queue.pending).toHaveLength(0);
    expect(queue.throttleCheckTimeoutId).toBeNull();
    queue.destroy();
  });

  it('still sends a request that waited for the in-flight limit, when the request before it is answered', () => {
    const queue = newQueue();
    const sent: number[] = [];
    queue.push({ entry: entry(1), expectResponse: true, sendRequest: () => sent.push(1) });
    queue.push({ entry: entry(2), expectResponse: true, sendRequest: () => sent.push(2) });
    expect(sent).toEqual([1]);
    queue.fulfillRequest({ correlationId: 1, payload: null, size: 0 });
    expect(sent).toEqual([1, 2]);
    queue.destroy();
  });
});
