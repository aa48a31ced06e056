import { decode, Topics } from '@tessera/contracts';
import { decodeOutboxBatch } from '@tessera/kafka';
import { compileStreamPlan } from '../connections/stream-plan';
import { unsetRecords } from './run-finisher';

const compiled = compileStreamPlan({ name: 'contacts', mapping: { Email: 'email', Tier: 'loyalty_tier' }, identifierField: 'Id' }, '');
if (!('plan' in compiled)) throw new Error(compiled.problem.message);
const origin = { connectionId: 'crm', runId: 'run-2', sourceId: 'crm' };

describe('unsetRecords', () => {
  it('unsets the disappeared rows that had an identifier value, and leaves out those without one', () => {
    const records = unsetRecords(
      [compiled.plan],
      origin,
      [
        { stream: 'contacts', row_key: 'C-5', identifier: 'C-5', brand: null },
        { stream: 'contacts', row_key: 'A-9', identifier: null, brand: null },
      ],
      1000,
    );
    expect(records.count).toBe(1);
    const [message] = records.packed.flatMap((row) => decodeOutboxBatch(row.packed));
    const record = decode(Topics.RecordsRaw, message.value!);
    expect(record).toMatchObject({ recordId: 'C-5', origin: { connectionId: 'crm', runId: 'run-2', stream: 'contacts', rowKey: 'C-5' } });
    expect(JSON.parse(record.attributes)).toEqual({ Id: 'C-5', Email: null, Tier: null });
  });
});
