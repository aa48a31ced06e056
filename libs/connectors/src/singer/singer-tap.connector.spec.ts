import { describeConnectorConformance } from '@tessera/connector-sdk';
import { singerTapConnector } from './singer-tap.connector';
import { FakeTapSource } from '../test-support/fake-tap-source';

const source = new FakeTapSource();
beforeAll(() => {
  // 25 customers, three per second: states every 4 records split equal timestamps, so resuming relies on the key tie-break.
  for (let i = 1; i <= 25; i += 1) source.upsertCustomer(`C-${String(i).padStart(3, '0')}`, {}, i % 3 === 1 ? 1 : 0);
});
afterAll(() => source.remove());

let changes = 0;

// `each-state`: the kit's crash test needs several checkpoints per read (`on-success` makes one, at the end).
describeConnectorConformance(singerTapConnector, {
  stream: 'customers',
  goodConfig: () => source.config({ stateEvery: 4 }, { stateCommit: 'each-state' }),
  unreachableConfig: () => source.config({ requireEnv: 'FAKE_TAP_TOKEN' }, { stateCommit: 'each-state' }),
  invalidConfig: { config: { args: ['tap.js'], stateCommit: 'sometimes' }, problemAt: '/command' },
  rowKeys: async () => [...source.customers.keys()],
  changeRows: async () => {
    changes += 1;
    source.upsertCustomer('C-004', { tier: `gold-${changes}` });
    source.upsertCustomer(`C-${100 + changes}`, {}, 0);
    return ['C-004', `C-${100 + changes}`];
  },
});
