import type { RecordedRequest, ScriptedReply } from '@tessera/testing';

export interface FakeCustomer {
  id: string;
  email: string;
  tier: string;
  updated_at: string;
}

export type FakePaging = 'none' | 'cursor' | 'page' | 'link';

/**
 * A CRM's customer list as a RecordingHttpServer responder: `GET /v1/customers` in (updated_at, id) order, filtered
 * by an inclusive `updated_since`, paged three ways (`?paging=` picks one, as a stream's query would):
 * - cursor: `{ data, meta: { next } }`, next page by `?after=<token>`;
 * - page: `{ data }` for `?page=&per_page=`, an empty page past the end;
 * - link: a bare array, the next page in a relative `Link: <…>; rel="next"`.
 */
export class FakeCustomersApi {
  readonly rows = new Map<string, FakeCustomer>();
  private clock = Date.parse('2026-03-01T00:00:00.000Z');

  /** `authorized(headers)` decides 401s: each auth test sets the header it expects. */
  constructor(private readonly authorized: (headers: RecordedRequest['headers']) => boolean) {}

  /** Advances the clock by `seconds` (0: the same updated_at as the previous write, a tie to break by id). */
  upsert(id: string, fields: Partial<FakeCustomer> = {}, seconds = 1): void {
    this.clock += seconds * 1000;
    const previous = this.rows.get(id);
    const email = `${id.toLowerCase()}@example.com`;
    this.rows.set(id, { id, email, tier: 'bronze', ...previous, ...fields, updated_at: new Date(this.clock).toISOString() });
  }

  readonly respond = (request: RecordedRequest): ScriptedReply => {
    const url = new URL(request.path, 'http://api.test');
    if (!this.authorized(request.headers)) return { status: 401, body: { error: 'unauthorized' } };
    if (url.pathname !== '/v1/customers') return { status: 404, body: { error: 'not found' } };
    const since = url.searchParams.get('updated_since') ?? '';
    const rows = [...this.rows.values()]
      .filter((row) => row.updated_at >= since)
      .sort((a, b) => (a.updated_at === b.updated_at ? a.id.localeCompare(b.id) : a.updated_at.localeCompare(b.updated_at)));
    const size = Number(url.searchParams.get('per_page') ?? 4);
    switch (url.searchParams.get('paging') ?? 'none') {
      case 'cursor': {
        const from = Number(Buffer.from(url.searchParams.get('after') ?? 'MA', 'base64url').toString() || 0);
        const next = from + size < rows.length ? Buffer.from(String(from + size)).toString('base64url') : null;
        return { status: 200, body: { data: rows.slice(from, from + size), meta: { next, total: rows.length } } };
      }
      case 'page': {
        const page = Number(url.searchParams.get('page') ?? 1);
        return { status: 200, body: { data: rows.slice((page - 1) * size, page * size) } };
      }
      case 'link': {
        const page = Number(url.searchParams.get('page') ?? 1);
        const headers: Record<string, string> = {};
        if (page * size < rows.length) {
          url.searchParams.set('page', String(page + 1));
          headers.link = `<${url.pathname}${url.search}>; rel="next", </v1/customers?paging=link>; rel="first"`;
        }
        return { status: 200, headers, body: rows.slice((page - 1) * size, page * size) };
      }
      default:
        return { status: 200, body: { data: rows } };
    }
  };
}
