import { createTestProducer, eventually } from '@tessera/testing';
import { encode, Topics, type IdentityChangeInput, type ResolvedItem } from '@tessera/contracts';
import { formatOutboxSequence, MessageHeaders } from '@tessera/kafka';
import { type Producer } from 'kafkajs';

/** Loosely typed JSON answers: tests assert their shape with expect(). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test helper: bodies are checked by expect(), not by types
export type JsonBody = Record<string, any>;

/** Produces merger input straight onto the topics (as the identity resolver would) and polls the HTTP API. */
export class MergerHarness {
  private producer: Producer | undefined;

  constructor(
    private readonly brokers: string[],
    readonly baseUrl: string,
    private readonly adminToken = 'test-admin-token',
  ) {}

  async start(): Promise<void> {
    this.producer = createTestProducer(this.brokers, 'merger-test');
    await this.producer.connect();
  }

  async stop(): Promise<void> {
    await this.producer?.disconnect();
  }

  /** Sends items one produce request each, in the given order (so tests control arrival order). */
  async sendItems(items: readonly ResolvedItem[]): Promise<void> {
    for (const item of items) {
      await this.producer?.send({
        topic: Topics.EventsResolved,
        messages: [{ key: item.profileId, value: encode(Topics.EventsResolved, item) }],
      });
    }
  }

  /** Sends the same item twice at position `pos` of one outbox lane, as a relay republishing after a crash would. */
  async sendTwice(item: ResolvedItem, pos: bigint): Promise<void> {
    const sequence = formatOutboxSequence({ origin: 'merger-test', lane: 'c:identity-resolver:cdp.events.valid:0', pos });
    const message = { key: item.profileId, value: encode(Topics.EventsResolved, item), headers: { [MessageHeaders.sequence]: sequence } };
    await this.producer?.send({ topic: Topics.EventsResolved, messages: [message] });
    await this.producer?.send({ topic: Topics.EventsResolved, messages: [message] });
  }

  async sendChange(change: IdentityChangeInput): Promise<void> {
    await this.producer?.send({
      topic: Topics.IdentityMerges,
      messages: [{ key: change.survivorProfileId, value: encode(Topics.IdentityMerges, change) }],
    });
  }

  async admin(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  async get<T = JsonBody>(path: string): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.baseUrl}${path}`, { headers: { authorization: `Bearer ${this.adminToken}` } });
    return { status: res.status, body: (await res.json()) as T };
  }

  /** Polls GET path until `done(body)` holds, or fails with the last answer after timeoutMs. */
  async waitFor<T = JsonBody>(path: string, done: (body: T, status: number) => boolean, timeoutMs = 20_000): Promise<T> {
    let last: { status: number; body: T } | undefined;
    const answered = async () => {
      last = await this.get<T>(path);
      return done(last.body, last.status) && last;
    };
    const found = await eventually(answered, timeoutMs, path, 100).catch((error: Error) => {
      throw new Error(`${error.message}; last answer ${last?.status}: ${JSON.stringify(last?.body)}`);
    });
    return found.body;
  }
}
