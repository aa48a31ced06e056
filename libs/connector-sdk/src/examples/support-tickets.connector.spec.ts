import { describeConnectorConformance } from '../conformance/describe-connector-conformance';
import { FakeSupportTicketsApi } from './fake-support-tickets-api';
import { supportTicketsConnector } from './support-tickets.connector';

const api = new FakeSupportTicketsApi('s3cret');

beforeAll(async () => {
  await api.start();
  // 25 tickets, three per second: pages of 4 split equal timestamps, so resuming relies on the id tie-break.
  for (let i = 1; i <= 25; i += 1) api.upsert(`T-${String(i).padStart(3, '0')}`, {}, i % 3 === 1 ? 1 : 0);
});
afterAll(() => api.stop());

describeConnectorConformance(supportTicketsConnector, {
  stream: 'tickets',
  goodConfig: () => ({ baseUrl: api.url, apiToken: 's3cret', pageSize: 4 }),
  unreachableConfig: () => ({ baseUrl: api.url, apiToken: 'wrong', pageSize: 4 }),
  invalidConfig: { config: { baseUrl: 'http://localhost', pageSize: 0 }, problemAt: '/apiToken' },
  rowKeys: async () => [...api.tickets.keys()],
  changeRows: async () => {
    api.upsert('T-003', { status: 'solved' });
    api.upsert('T-017', { status: 'pending' }, 0);
    api.upsert('T-026', {}, 0);
    return ['T-003', 'T-017', 'T-026'];
  },
});

describe('support-tickets connector', () => {
  it('reports a wrong token in words', async () => {
    await expect(supportTicketsConnector.check({ baseUrl: api.url, apiToken: 'nope' })).resolves.toEqual({
      ok: false,
      message: 'the support tickets API rejected the token (401)',
    });
  });

  it('refuses to read with an invalid config, naming every problem', () => {
    expect(() => supportTicketsConnector.read({ baseUrl: 'not a url', apiToken: '', pageSize: 0 }, 'tickets', null)).toThrow(
      'invalid support-tickets config: /baseUrl must match format "uri"; /apiToken must NOT have fewer than 1 characters; /pageSize must be >= 1',
    );
  });
});
