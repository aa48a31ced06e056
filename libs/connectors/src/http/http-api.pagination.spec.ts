import { readCommitted, type Cursor, type ReadMessage } from '@tessera/connector-sdk';
import { RecordingHttpServer, type ScriptedReply } from '@tessera/testing';
import { httpApiConnector } from './http-api.connector';
import type { HttpApiConfig, HttpStreamConfig } from './http-config';
import { FakeCustomersApi } from '../test-support/fake-customers-api';

const api = new FakeCustomersApi(() => true);
let override: ((path: string) => ScriptedReply | undefined) | undefined;
const server = new RecordingHttpServer((request) => override?.(request.path) ?? api.respond(request));

beforeAll(async () => {
  await server.start();
  for (let i = 1; i <= 10; i += 1) api.upsert(`C-${String(i).padStart(3, '0')}`);
});
afterAll(() => server.stop());
beforeEach(() => {
  server.requests.length = 0;
  override = undefined;
});

const config = (stream: Partial<HttpStreamConfig>): HttpApiConfig => ({
  baseUrl: server.url('/'),
  streams: [{ name: 'customers', path: '/v1/customers', recordsPath: '$.data[*]', primaryKey: ['id'], ...stream }],
});
const paths = (): string[] => server.requests.map((r) => r.path);

async function collect(cfg: HttpApiConfig, cursor: Cursor = null): Promise<ReadMessage[]> {
  const messages: ReadMessage[] = [];
  for await (const message of httpApiConnector.read(cfg, 'customers', cursor)) messages.push(message);
  return messages;
}

describe('http connector pagination', () => {
  const byPage: Partial<HttpStreamConfig> = {
    query: { paging: 'page' },
    pagination: { type: 'page', pageParam: 'page', sizeParam: 'per_page', pageSize: 4 },
  };

  it('counts pages up from firstPage and stops at the first empty one', async () => {
    const messages = await collect(
      config({ ...byPage, pagination: { type: 'page', pageParam: 'page', sizeParam: 'per_page', pageSize: 5 } }),
    );

    expect(messages.filter((m) => m.type === 'record')).toHaveLength(10);
    expect(paths()).toEqual([1, 2, 3].map((page) => `/v1/customers?paging=page&page=${page}&per_page=5`));
  });

  it('without a cursor field, re-reads in full: each checkpoint names the next page, so a crashed run resumes there', async () => {
    const full = await collect(config(byPage));
    const checkpoints = full.filter((m) => m.type === 'checkpoint').map((m) => m.cursor);
    expect(checkpoints).toEqual([
      { nextUrl: server.url('/v1/customers?paging=page&page=2&per_page=4') },
      { nextUrl: server.url('/v1/customers?paging=page&page=3&per_page=4') },
      { nextUrl: server.url('/v1/customers?paging=page&page=4&per_page=4') },
      { completed: true },
    ]);

    const beforeCrash = await readCommitted(httpApiConnector, config(byPage), 'customers', null, { stopAfterCheckpoint: 1 });
    const resumed = await readCommitted(httpApiConnector, config(byPage), 'customers', beforeCrash.cursor);
    expect([...beforeCrash.records, ...resumed.records].map((r) => r.rowKey)).toEqual([...api.rows.keys()]);

    const nextRun = await readCommitted(httpApiConnector, config(byPage), 'customers', resumed.cursor);
    expect(nextRun.records).toHaveLength(10); // a completed full read starts over
  });

  it('starts a full read over when its saved next page is on another origin than baseUrl (the API moved)', async () => {
    const moved = { nextUrl: 'http://old-host.example/v1/customers?paging=page&page=3&per_page=4' };
    const read = await readCommitted(httpApiConnector, config(byPage), 'customers', moved);
    expect(read.records).toHaveLength(10);
    expect(paths()[0]).toBe('/v1/customers?paging=page&page=1&per_page=4');
  });

  it('sends the saved cursor value as the since parameter', async () => {
    const cursor = { value: '2026-03-01T00:00:08.000Z', rowKeysAtValue: ['C-008'] };
    const messages = await collect(config({ cursorField: 'updated_at', sinceParam: 'updated_since' }), cursor);

    expect(paths()).toEqual(['/v1/customers?updated_since=2026-03-01T00%3A00%3A08.000Z']);
    expect(messages.filter((m) => m.type === 'record').map((m) => m.type === 'record' && m.rowKey)).toEqual(['C-009', 'C-010']);
  });

  it("announces the total the first page states, once, for the run's ETA", async () => {
    const byCursor: Partial<HttpStreamConfig> = {
      query: { paging: 'cursor', per_page: '4' },
      totalPath: '$.meta.total',
      pagination: { type: 'cursor', nextCursorPath: '$.meta.next', cursorParam: 'after' },
    };
    const messages = await collect(config(byCursor));

    expect(messages[0]).toEqual({ type: 'estimate', total: 10 });
    expect(messages.filter((m) => m.type === 'estimate')).toHaveLength(1);
    expect(messages.filter((m) => m.type === 'record')).toHaveLength(10);
  });

  it('follows a relative Link rel="next" and stops when there is none', async () => {
    const messages = await collect(config({ query: { paging: 'link', per_page: '4' }, recordsPath: '$[*]', pagination: { type: 'link' } }));

    expect(messages.filter((m) => m.type === 'record')).toHaveLength(10);
    expect(paths()).toEqual([
      '/v1/customers?paging=link&per_page=4',
      '/v1/customers?paging=link&per_page=4&page=2',
      '/v1/customers?paging=link&per_page=4&page=3',
    ]);
  });

  it('refuses a Link to another origin: the credentials are for this one', async () => {
    override = () => ({
      status: 200,
      headers: { link: '<https://elsewhere.example/v1/customers?page=2>; rel="next"' },
      body: [{ id: 'C-001' }],
    });
    const read = collect(config({ recordsPath: '$[*]', pagination: { type: 'link' } }));
    await expect(read).rejects.toThrow(`the Link header's next page https://elsewhere.example is on another origin`);
  });

  it('stops an API that answers the same next cursor for ever', async () => {
    override = () => ({ status: 200, body: { data: [{ id: 'C-001' }], meta: { next: 'same' } } });
    const read = collect(
      config({ query: { after: 'same' }, pagination: { type: 'cursor', nextCursorPath: '$.meta.next', cursorParam: 'after' } }),
    );
    await expect(read).rejects.toThrow('pagination loops');
  });

  it('fails an incremental read whose records are not in ascending cursor order, rather than lose rows on resume', async () => {
    override = () => ({
      status: 200,
      body: {
        data: [
          { id: 'b', updated_at: '2026-02-02' },
          { id: 'a', updated_at: '2026-01-01' },
        ],
      },
    });
    const read = collect(config({ cursorField: 'updated_at' }));
    await expect(read).rejects.toThrow(
      'updated_at "2026-01-01" came after "2026-02-02"; an incremental stream needs the API to list records in ascending updated_at order',
    );
  });

  it('builds a composite row key from several key fields, and refuses a record without one', async () => {
    override = () => ({ status: 200, body: { data: [{ org: 'o1', id: 7 }] } });
    const [record] = await collect(config({ primaryKey: ['org', 'id'] }));
    expect(record).toEqual({ type: 'record', stream: 'customers', data: { org: 'o1', id: 7 }, rowKey: '["o1",7]' });

    override = () => ({ status: 200, body: { data: [{ id: 7 }] } });
    await expect(collect(config({ primaryKey: ['org', 'id'] }))).rejects.toThrow('a record has no primary key field org');
  });

  it('infers a schema from the first page when the stream declares none', async () => {
    const [stream] = await httpApiConnector.discover(config({ cursorField: 'updated_at' }));
    expect(stream).toEqual({
      name: 'customers',
      primaryKey: ['id'],
      cursorCandidates: ['updated_at'],
      schema: {
        type: 'object',
        properties: {
          id: { type: ['null', 'string'] },
          email: { type: ['null', 'string'] },
          tier: { type: ['null', 'string'] },
          updated_at: { type: ['null', 'string'] },
        },
      },
    });
  });
});
