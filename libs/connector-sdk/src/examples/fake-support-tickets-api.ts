import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeTicket {
  id: string;
  subject: string;
  status: 'open' | 'pending' | 'solved';
  requester_email: string;
  updated_at: string;
}

/**
 * A help desk API over real HTTP for the example's tests: `GET /tickets` in (updated_at, id) order, filtered by
 * `updated_after` + `after_id`, keyset-paged with an opaque `next_page` token, bearer-token auth.
 */
export class FakeSupportTicketsApi {
  readonly tickets = new Map<string, FakeTicket>();
  private server?: Server;
  private clock = Date.parse('2026-01-01T00:00:00.000Z');

  constructor(readonly token: string) {}

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.server?.close((e) => (e ? reject(e) : resolve())));
  }

  /** Advances the clock by `seconds` (0 = same timestamp as the previous write, to exercise the id tie-break). */
  upsert(id: string, fields: Partial<FakeTicket> = {}, seconds = 1): void {
    this.clock += seconds * 1000;
    const previous = this.tickets.get(id);
    this.tickets.set(id, {
      id,
      subject: `ticket ${id}`,
      status: 'open',
      requester_email: `${id.toLowerCase()}@example.com`,
      ...previous,
      ...fields,
      updated_at: new Date(this.clock).toISOString(),
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.headers.authorization !== `Bearer ${this.token}`) return reply(res, 401, { error: 'unauthorized' });
    if (url.pathname !== '/tickets') return reply(res, 404, { error: 'not found' });
    const token = url.searchParams.get('page_token');
    const query = token
      ? (JSON.parse(Buffer.from(token, 'base64url').toString()) as Record<string, string>)
      : Object.fromEntries(url.searchParams);
    const limit = Number(query.limit ?? 100);
    const after = [query.updated_after ?? '', query.after_id ?? ''] as const;
    const newer = [...this.tickets.values()]
      .filter((t) => t.updated_at > after[0] || (t.updated_at === after[0] && t.id > after[1]))
      .sort((a, b) => (a.updated_at === b.updated_at ? a.id.localeCompare(b.id) : a.updated_at.localeCompare(b.updated_at)));
    const tickets = newer.slice(0, limit);
    const last = tickets.at(-1);
    const next = newer.length > limit && last ? { updated_after: last.updated_at, after_id: last.id, limit: String(limit) } : null;
    reply(res, 200, { tickets, next_page: next ? Buffer.from(JSON.stringify(next)).toString('base64url') : null });
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
