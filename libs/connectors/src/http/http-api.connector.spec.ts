import { describeConnectorConformance } from '@tessera/connector-sdk';
import { RecordingHttpServer } from '@tessera/testing';
import { httpApiConnector } from './http-api.connector';
import type { HttpApiConfig, HttpStreamConfig } from './http-config';
import { FakeCustomersApi } from '../test-support/fake-customers-api';

const api = new FakeCustomersApi((headers) => headers.authorization === 'Bearer s3cret');
const server = new RecordingHttpServer(api.respond);

beforeAll(async () => {
  await server.start();
  // 25 customers, three per second: pages of 4 split equal timestamps, so resuming relies on the row-key tie-break.
  for (let i = 1; i <= 25; i += 1) api.upsert(`C-${String(i).padStart(3, '0')}`, {}, i % 3 === 1 ? 1 : 0);
});
afterAll(() => server.stop());

const customers = (paging: Partial<HttpStreamConfig>): HttpStreamConfig => ({
  name: 'customers',
  path: '/v1/customers',
  recordsPath: '$.data[*]',
  primaryKey: ['id'],
  cursorField: 'updated_at',
  schema: {
    type: 'object',
    required: ['id', 'email', 'updated_at'],
    properties: {
      id: { type: 'string' },
      email: { type: 'string', format: 'email' },
      tier: { type: 'string' },
      updated_at: { type: 'string', format: 'date-time' },
    },
  },
  ...paging,
});
const config = (stream: HttpStreamConfig, token = 's3cret'): HttpApiConfig => ({
  baseUrl: server.url('/'),
  auth: { type: 'bearer', token },
  streams: [stream],
});

let changes = 0;
function changeRows(): Promise<string[]> {
  changes += 1;
  const added = `C-${100 + changes}`;
  api.upsert('C-003', { tier: `gold-${changes}` });
  api.upsert('C-017', { tier: `silver-${changes}` }, 0);
  api.upsert(added, {}, 0);
  return Promise.resolve(['C-003', 'C-017', added]);
}
const rowKeys = async (): Promise<string[]> => [...api.rows.keys()];

const kinds: Array<[string, HttpStreamConfig]> = [
  // the API filters by `updated_since`
  [
    'cursor pagination, server-side since',
    customers({
      query: { paging: 'cursor', per_page: '4' },
      sinceParam: 'updated_since',
      pagination: { type: 'cursor', nextCursorPath: '$.meta.next', cursorParam: 'after' },
    }),
  ],
  // no `since`: every page is read again and filtered client-side
  [
    'page numbers, client-side filter',
    customers({ query: { paging: 'page' }, pagination: { type: 'page', pageParam: 'page', sizeParam: 'per_page', pageSize: 4 } }),
  ],
  [
    'Link header, a bare array, schema inferred',
    customers({
      query: { paging: 'link', per_page: '4' },
      recordsPath: '$[*]',
      sinceParam: 'updated_since',
      pagination: { type: 'link' },
      schema: undefined,
    }),
  ],
];

describe.each(kinds)('http connector, %s', (_kind, stream) => {
  describeConnectorConformance(httpApiConnector, {
    stream: 'customers',
    goodConfig: () => config(stream),
    unreachableConfig: () => config(stream, 'wrong'),
    invalidConfig: { config: { baseUrl: 'http://localhost', auth: { type: 'bearer' }, streams: [stream] }, problemAt: '/auth/token' },
    rowKeys,
    changeRows,
  });
});
