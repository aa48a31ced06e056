import type { DeliveryItem } from '@tessera/destinations';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  idempotencyKey: string;
  items: DeliveryItem[];
  at: number;
  /** The status answered; undefined while the request hangs. */
  status?: number;
}

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Answer after this many ms (a slow destination). */
  delayMs?: number;
}

/** Decides the answer to the n-th request (0-based) on a path; 'hang' never answers. */
export type Responder = (request: ReceivedRequest, n: number) => ScriptedAnswer | 'hang';

/** A real local HTTP destination: records every request and answers as the test scripts it (200 by default). */
export class ScriptedReceiver {
  private readonly received: ReceivedRequest[] = [];
  private readonly responders = new Map<string, Responder>();
  private readonly counts = new Map<string, number>();
  private readonly open = new Map<string, number>();
  private readonly maxOpen = new Map<string, number>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<ScriptedReceiver> {
    const server = createServer();
    const receiver = new ScriptedReceiver(server);
    server.on('request', (req, res) => void receiver.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  respond(path: string, responder: Responder): void {
    this.responders.set(path, responder);
  }

  requests(path?: string): ReceivedRequest[] {
    return this.received.filter((r) => path === undefined || r.path === path);
  }

  /** Delivery ids by the idempotency keys that carried them, counting each key once (as a receiver deduplicating would). */
  keysByDelivery(path?: string): Map<string, Set<string>> {
    const keys = new Map<string, Set<string>>();
    for (const r of this.requests(path))
      for (const item of r.items) keys.set(item.deliveryId, (keys.get(item.deliveryId) ?? new Set()).add(r.idempotencyKey));
    return keys;
  }

  /** The most requests on the path that were open (unanswered) at once. */
  maxConcurrent(path: string): number {
    return this.maxOpen.get(path) ?? 0;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as { items?: DeliveryItem[] };
    const path = req.url ?? '/';
    const open = (this.open.get(path) ?? 0) + 1;
    this.open.set(path, open);
    this.maxOpen.set(path, Math.max(open, this.maxOpen.get(path) ?? 0));
    res.on('close', () => this.open.set(path, (this.open.get(path) ?? 1) - 1));
    const request: ReceivedRequest = {
      path,
      idempotencyKey: String(req.headers['idempotency-key']),
      items: body.items ?? [],
      at: Date.now(),
    };
    this.received.push(request);
    const n = this.counts.get(path) ?? 0;
    this.counts.set(path, n + 1);
    const answer = this.responders.get(path)?.(request, n) ?? { status: 200 };
    if (answer === 'hang') return;
    if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
    request.status = answer.status;
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
  }
}
