import type { DeliveryBatch } from '@tessera/destinations';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedCall {
  path: string;
  headers: IncomingMessage['headers'];
  body: DeliveryBatch;
}

/**
 * A destination on a local port: records every batch, keeps the audience's members (adds and removes applied, per
 * audience key) and lists them at GET /members?audience=. `status` is what the next calls answer.
 */
export class TestReceiver {
  readonly calls: ReceivedCall[] = [];
  /** audience key -> profile ids present; tests drift it by hand. */
  readonly audiences = new Map<string, Set<string>>();
  status = 200;
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  audience(key: string): Set<string> {
    const members = this.audiences.get(key) ?? new Set<string>();
    this.audiences.set(key, members);
    return members;
  }

  private async handle(req: IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    if (req.method === 'GET' && url.pathname.endsWith('/members')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ members: [...this.audience(url.searchParams.get('audience') ?? '')].sort() }));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (this.status !== 200) {
      res.writeHead(this.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: this.status === 401 ? 'invalid token' : 'failed' }));
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as DeliveryBatch;
    this.calls.push({ path: url.pathname, headers: req.headers, body });
    for (const item of body.items) {
      if (item.action === 'remove') this.audience(item.syncId).delete(item.profileId);
      else this.audience(item.syncId).add(item.profileId);
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  }
}
