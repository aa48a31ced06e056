import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Json } from './scenario-client';

export interface FakeRequest {
  method: string;
  /** The path without its query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The raw body, as a signature is computed over it. */
  body: string;
  at: number;
  /** Answered with; undefined while it hangs. */
  status?: number;
}

export type FakeAnswer = { status: number; headers?: Record<string, string>; body?: unknown } | 'hang';
/** The answer to the n-th request (0-based) on a path. */
export type FakeResponder = (request: FakeRequest, n: number) => FakeAnswer;

/** One webhook item as the receiver reads it. */
export interface WebhookItem {
  deliveryId: string;
  profileId: string;
  action: 'add' | 'remove' | 'upsert';
  syncId: string;
  segmentId?: string;
  identifiers: Record<string, string[]>;
  fields: Record<string, unknown>;
}

/**
 * A real local HTTP server standing in for the systems the dispatcher delivers to (a webhook receiver, Meta's Graph
 * API): records every request, answers as the scenario scripts it (200 by default, or never), and, like a receiver
 * that keeps audiences, holds per path and sync the profiles its accepted webhook batches added, which the scenario
 * may change by hand (drift) and which `GET <path>/members?audience=<sync>` lists (the webhook's `membersUrl`).
 */
export class DestinationFake {
  private readonly received: FakeRequest[] = [];
  private readonly responders = new Map<string, FakeResponder>();
  private readonly audiences = new Map<string, Set<string>>();

  private readonly server: Server = createServer();

  /** Made at once (a suite can hand it out before its beforeAll), listening once `listen()` resolves. */
  constructor() {
    this.server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://fake');
        const request: FakeRequest = {
          method: req.method ?? '',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
        };
        const answer = this.answer(request);
        if (answer === 'hang') return;
        request.status = answer.status;
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
      });
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  respond(path: string, responder: FakeResponder): void {
    this.responders.set(path, responder);
  }

  requests(path?: string): FakeRequest[] {
    return this.received.filter((r) => path === undefined || r.path === path);
  }

  /** The profiles the receiver holds for a sync at a webhook path: live, so a scenario can drift it by hand. */
  audience(path: string, syncId: string): Set<string> {
    const key = `${path} ${syncId}`;
    if (!this.audiences.has(key)) this.audiences.set(key, new Set());
    return this.audiences.get(key)!;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(request: FakeRequest): FakeAnswer {
    if (request.method === 'GET' && request.path.endsWith('/members')) {
      return {
        status: 200,
        body: { profileIds: [...this.audience(request.path.slice(0, -'/members'.length), request.query.get('audience') ?? '')] },
      };
    }
    this.received.push(request);
    const answer = this.responders.get(request.path)?.(request, this.requests(request.path).length - 1) ?? { status: 200 };
    if (answer !== 'hang' && answer.status < 300 && request.headers['webhook-id'] !== undefined) {
      for (const item of webhookItems(request)) {
        if (item.action === 'remove') this.audience(request.path, item.syncId).delete(item.profileId);
        else this.audience(request.path, item.syncId).add(item.profileId);
      }
    }
    return answer;
  }
}

/** The items of a webhook request. */
export function webhookItems(request: FakeRequest): WebhookItem[] {
  return (JSON.parse(request.body) as Json).items ?? [];
}

/** Delivery ids by the idempotency keys that carried them, over the requests answered 2xx (as a deduplicating receiver counts). */
export function acceptedKeysByDelivery(requests: FakeRequest[]): Map<string, Set<string>> {
  const keys = new Map<string, Set<string>>();
  for (const r of requests.filter((q) => q.status !== undefined && q.status < 300)) {
    for (const item of webhookItems(r))
      keys.set(item.deliveryId, (keys.get(item.deliveryId) ?? new Set()).add(String(r.headers['idempotency-key'])));
  }
  return keys;
}
