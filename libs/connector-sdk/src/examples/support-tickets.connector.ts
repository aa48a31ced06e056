import { defineConnector } from '../define-connector';
import type { ReadMessage } from '../connector';

// The worked example of the README: a help desk's HTTP API, read by updated_at (id breaks ties), page by page.
export interface SupportTicketsConfig {
  baseUrl: string;
  apiToken: string;
  pageSize?: number;
}
interface Ticket {
  id: string;
  updated_at: string;
  [field: string]: unknown;
}
interface TicketsPage {
  tickets: Ticket[];
  next_page: string | null;
}

const TICKET_SCHEMA = {
  type: 'object',
  required: ['id', 'updated_at'],
  properties: {
    id: { type: 'string' },
    subject: { type: 'string' },
    status: { type: 'string', enum: ['open', 'pending', 'solved'] },
    requester_email: { type: 'string', format: 'email' },
    updated_at: { type: 'string', format: 'date-time' },
  },
};

export const supportTicketsConnector = defineConnector<SupportTicketsConfig>({
  name: 'support-tickets',
  configSchema: {
    type: 'object',
    required: ['baseUrl', 'apiToken'],
    additionalProperties: false,
    properties: {
      baseUrl: { type: 'string', format: 'uri' },
      apiToken: { type: 'string', minLength: 1, secret: true },
      pageSize: { type: 'integer', minimum: 1, maximum: 500 },
    },
  },
  async check(config) {
    await fetchPage(config, { limit: '1' });
  },
  async discover() {
    return [{ name: 'tickets', schema: TICKET_SCHEMA, cursorCandidates: ['updated_at'], primaryKey: ['id'] }];
  },
  async *read(config, stream, cursor, { signal }): AsyncIterable<ReadMessage> {
    if (stream !== 'tickets') throw new Error(`support-tickets has no stream ${stream}`);
    const since: Record<string, string> = cursor ? { updated_after: String(cursor.updated_at), after_id: String(cursor.id) } : {};
    let page = await fetchPage(config, { ...since, limit: String(config.pageSize ?? 100) }, signal);
    for (;;) {
      for (const ticket of page.tickets) yield { type: 'record', stream, data: ticket, rowKey: ticket.id };
      const last = page.tickets.at(-1);
      // After each page: every ticket up to (updated_at, id) of its last one is emitted.
      if (last) yield { type: 'checkpoint', cursor: { updated_at: last.updated_at, id: last.id } };
      if (!page.next_page) return;
      page = await fetchPage(config, { page_token: page.next_page }, signal);
    }
  },
});

async function fetchPage(config: SupportTicketsConfig, query: Record<string, string>, signal?: AbortSignal): Promise<TicketsPage> {
  const url = `${config.baseUrl.replace(/\/$/, '')}/tickets?${new URLSearchParams(query)}`;
  const response = await fetch(url, { headers: { authorization: `Bearer ${config.apiToken}` }, signal });
  if (response.status === 401) throw new Error('the support tickets API rejected the token (401)');
  if (!response.ok) throw new Error(`the support tickets API answered ${response.status} ${response.statusText}`);
  return (await response.json()) as TicketsPage;
}
