import type { DeliveryBatch } from '@tessera/destinations';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** The Standard Webhooks secret the tests' webhook destinations sign with (libs/destinations' real adapter). */
export const TEST_SIGNING_SECRET = `whsec_${Buffer.from('tessera-activation-dispatcher-test-key').toString('base64')}`;

export interface ReceivedCall {
  path: string;
  headers: IncomingMessage['headers'];
  body: DeliveryBatch;
  /** Whether the Standard Webhooks signature verified with TEST_SIGNING_SECRET. */
  verified: boolean;
  /** When the request arrived, and when it was answered: 200 applies its items, another status (a held one) does not. */
  receivedAt: number;
  answeredAt?: number;
  status?: number;
}

/**
 * A webhook destination on a local port: records every batch, keeps the audience's members (adds and removes applied
 * when a batch is answered, per audience key = sync id) and lists them at GET /members?audience=. `status` is what
 * the next calls answer; `hold` keeps matching requests unanswered until released (a send in flight).
 */
export class TestReceiver {
  readonly calls: ReceivedCall[] = [];
  /** audience key -> profile ids present; tests drift it by hand. */
  readonly audiences = new Map<string, Set<string>>();
  status = 200;
  /** path -> the status that path answers instead of `status` (one destination failing while others work; 429 with Retry-After: 3600). */
  readonly statusByPath = new Map<string, number>();
  private readonly webhook = new Webhook(TEST_SIGNING_SECRET);
  private readonly held: Array<(status: number) => void> = [];
  private holding: ((call: ReceivedCall) => boolean) | undefined;
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  audience(key: string): Set<string> {
    const members = this.audiences.get(key) ?? new Set<string>();
    this.audiences.set(key, members);
    return members;
  }

  /** Holds the requests matching `which` unanswered until `release()`. */
  hold(which: (call: ReceivedCall) => boolean): void {
    this.holding = which;
  }

  /** Answers the held requests with `status` (200: taken) and stops holding. */
  release(status = 200): void {
    this.holding = undefined;
    for (const answer of this.held.splice(0)) answer(status);
  }

  /** `action profile` of every item taken (answered 200), in arrival order. */
  items(syncId?: string): string[] {
    return this.calls
      .filter((c) => c.status === 200)
      .flatMap((c) => c.body.items.filter((i) => syncId === undefined || i.syncId === syncId).map((i) => `${i.action} ${i.profileId}`));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    if (req.method === 'GET' && url.pathname.endsWith('/members')) {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ members: [...this.audience(url.searchParams.get('audience') ?? '')].sort() }));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const status = this.statusByPath.get(url.pathname) ?? this.status;
    if (status !== 200) {
      // a 429 asks for an hour: the delivery waits, unleased, until the test moves on
      res
        .writeHead(status, { 'content-type': 'application/json', ...(status === 429 ? { 'retry-after': '3600' } : {}) })
        .end(JSON.stringify({ error: status === 401 ? 'invalid token' : 'failed' }));
      return;
    }
    const raw = Buffer.concat(chunks).toString('utf8');
    const call: ReceivedCall = {
      path: url.pathname,
      headers: req.headers,
      body: JSON.parse(raw) as DeliveryBatch,
      verified: this.verify(raw, req.headers),
      receivedAt: Date.now(),
    };
    this.calls.push(call);
    const answer = (status: number) => {
      call.answeredAt = Date.now();
      call.status = status;
      if (status !== 200) {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'failed' }));
        return;
      }
      for (const item of call.body.items) {
        if (item.action === 'remove') this.audience(item.syncId).delete(item.profileId);
        else this.audience(item.syncId).add(item.profileId);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    };
    if (this.holding?.(call)) this.held.push(answer);
    else answer(200);
  }

  private verify(raw: string, headers: IncomingMessage['headers']): boolean {
    try {
      this.webhook.verify(raw, headers as Record<string, string>);
      return true;
    } catch {
      return false;
    }
  }
}
