import { createTestSchema, createTestTopics, startTestBroker, type TestBroker, eventually } from '@tessera/testing';
import { connect, type Socket } from 'node:net';
import { loadGatewaySettings } from '../config/gateway-settings';
import { GatewayHarness, RAW_TOPICS, basicAuth } from '../test-support/gateway-harness';

const REQUEST_TIMEOUT_MS = 1_200;
const HEADERS_TIMEOUT_MS = 600;
const KEEP_ALIVE_TIMEOUT_MS = 700;
/** Node checks the deadlines on an interval (a tenth of the shortest here), and a loaded CI machine is slow. */
const SLACK_MS = 1_500;

/** A raw TCP client: what it received, when the first byte of an answer came and when the server closed. */
class RawClient {
  readonly opened = Date.now();
  received = '';
  firstByteAt: number | undefined;
  closedAt: number | undefined;
  readonly closed: Promise<void>;
  private readonly socket: Socket;

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.on('data', (chunk) => {
      this.firstByteAt ??= Date.now();
      this.received += chunk.toString('latin1');
    });
    this.socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      this.socket.on('close', () => {
        this.closedAt = Date.now();
        resolve();
      }),
    );
  }

  write(text: string): void {
    if (!this.socket.destroyed) this.socket.write(text);
  }

  /** Sends `text` a byte at a time, one every `everyMs`, until the server closes the socket (or `text` runs out). */
  async trickle(text: string, everyMs: number): Promise<void> {
    for (const char of text) {
      if (this.closedAt !== undefined) return;
      this.write(char);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  }

  /** The status and JSON body of each complete answer received so far. */
  answers(): { status: number; body: Record<string, unknown> }[] {
    const complete: { status: number; body: Record<string, unknown> }[] = [];
    for (const answer of this.received.split(/(?=HTTP\/1\.1 )/).filter(Boolean)) {
      const [head, body = ''] = answer.split('\r\n\r\n');
      try {
        complete.push({ status: Number(head.split(' ')[1]), body: JSON.parse(body) as Record<string, unknown> });
      } catch {
        // not all of it yet
      }
    }
    return complete;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

describe('ingest-gateway cuts slow clients off (real sockets, small timeouts)', () => {
  let broker: TestBroker;
  let gateway: GatewayHarness;
  let auth: string;
  const clients: RawClient[] = [];
  const client = () => {
    const made = new RawClient(gateway.service.port);
    clients.push(made);
    return made;
  };

  beforeAll(async () => {
    broker = await startTestBroker();
    await createTestTopics(broker.brokers, RAW_TOPICS);
    gateway = await new GatewayHarness(broker.brokers, await createTestSchema('ingest_gateway')).start({
      INGEST_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      INGEST_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      INGEST_KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_TIMEOUT_MS),
    });
    auth = basicAuth((await gateway.createSource('slow')).writeKey);
  });

  afterAll(async () => {
    for (const made of clients) made.destroy();
    await gateway?.stop();
    await broker?.stop();
  });

  const head = (length: number) =>
    `POST /v1/track HTTP/1.1\r\nHost: gateway\r\nAuthorization: ${auth}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
  const event = JSON.stringify({ userId: 'slow', event: 'Trickled' });

  it('defaults to 30 s for a request, 10 s for its headers and 65 s for an idle keep-alive connection', () => {
    expect(loadGatewaySettings({}).http).toEqual({
      requestTimeoutMs: 30_000,
      headersTimeoutMs: 10_000,
      keepAliveTimeoutMs: 65_000,
      connectionTimeoutMs: 70_000,
    });
    // The headers deadline never outlasts the request deadline.
    expect(loadGatewaySettings({ INGEST_REQUEST_TIMEOUT_MS: '5000', INGEST_HEADERS_TIMEOUT_MS: '9000' }).http.headersTimeoutMs).toBe(5_000);
  });

  it('answers 408 with the JSON error to a body that trickles in, once the request timeout has passed', async () => {
    const slow = client();
    slow.write(head(event.length * 10));
    await slow.trickle(event.repeat(10), 50);
    await slow.closed;
    expect(slow.answers()).toEqual([
      {
        status: 408,
        body: {
          statusCode: 408,
          error: 'Request Timeout',
          path: '/v1/track',
          message: expect.stringContaining(`whole body within ${REQUEST_TIMEOUT_MS} ms`),
        },
      },
    ]);
    expect(slow.firstByteAt! - slow.opened).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    expect(slow.closedAt! - slow.opened).toBeLessThan(REQUEST_TIMEOUT_MS + SLACK_MS);
  });

  it('answers 408 to a body that never finishes', async () => {
    const stalled = client();
    stalled.write(head(event.length) + event.slice(0, 5));
    await stalled.closed;
    expect(stalled.answers()).toEqual([{ status: 408, body: expect.objectContaining({ statusCode: 408, path: '/v1/track' }) }]);
    expect(stalled.closedAt! - stalled.opened).toBeLessThan(REQUEST_TIMEOUT_MS + SLACK_MS);
  });

  it('answers 408 to headers that never finish, and to a connection that never sends a byte, by the headers timeout', async () => {
    const partial = client();
    partial.write('POST /v1/track HTTP/1.1\r\nHost: gateway\r\n');
    const silent = client();
    await Promise.all([partial.closed, silent.closed]);
    for (const made of [partial, silent]) {
      expect(made.answers()).toEqual([{ status: 408, body: expect.objectContaining({ statusCode: 408, error: 'Request Timeout' }) }]);
      expect(made.closedAt! - made.opened).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
      expect(made.closedAt! - made.opened).toBeLessThan(HEADERS_TIMEOUT_MS + SLACK_MS);
    }
  });

  it('closes an idle keep-alive connection after the keep-alive timeout, and serves requests on it until then', async () => {
    const kept = client();
    kept.write(head(event.length) + event);
    await eventually(() => kept.answers().length === 1, 10_000, 'condition', 10);
    kept.write(head(event.length) + event);
    await eventually(() => kept.answers().length === 2, 10_000, 'condition', 10);
    const idleSince = Date.now();
    await kept.closed;
    expect(kept.answers().map((answer) => answer.status)).toEqual([200, 200]);
    expect(kept.closedAt! - idleSince).toBeGreaterThanOrEqual(KEEP_ALIVE_TIMEOUT_MS - 100);
    expect(kept.closedAt! - idleSince).toBeLessThan(KEEP_ALIVE_TIMEOUT_MS + SLACK_MS);
  });

  it('takes a slow upload that completes in time, and keeps serving after cutting the others off', async () => {
    const unhurried = client();
    unhurried.write(head(event.length));
    await unhurried.trickle(event, Math.floor(REQUEST_TIMEOUT_MS / 2 / event.length));
    await eventually(() => unhurried.answers().length === 1, 10_000, 'condition', 10);
    expect(unhurried.answers()[0]).toEqual({ status: 200, body: { success: true } });
    const after = await gateway.post('/v1/track', event, { authorization: auth });
    expect(after).toMatchObject({ status: 200, json: { success: true } });
  });
});
