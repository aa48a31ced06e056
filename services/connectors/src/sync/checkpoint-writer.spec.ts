import { contractHeaders, decode, Topics } from '@tessera/contracts';
import { MessageHeaders } from '@tessera/kafka';
import { outboxEntries, rawRecordHeaders } from './checkpoint-writer';
import type { EncodedRecord } from './record-encoder';

describe('outboxEntries', () => {
  it('carries the contract headers of cdp.records.raw and the message id, the key, and the record as its payload', () => {
    expect(rawRecordHeaders('m-1')).toEqual({ ...contractHeaders(Topics.RecordsRaw), [MessageHeaders.messageId]: 'm-1' });
    const record: EncodedRecord = {
      key: 'crm:42',
      rowKey: '42',
      identifier: '42',
      brand: null,
      value: {
        messageId: 'm-42',
        sourceId: 'crm',
        receivedAt: 1,
        objectType: 'contacts',
        recordId: '42',
        mapping: { Id: 'crm_id' },
        attributes: '{"Id":"42"}',
        observedAt: null,
        renames: {},
        casts: {},
        origin: { connectionId: 'crm', runId: 'run-1', stream: 'contacts', rowKey: '42' },
      },
    };
    const [entry] = outboxEntries([record]);
    expect(entry.topic).toBe(Topics.RecordsRaw);
    expect(entry.message.key).toBe('crm:42');
    expect(entry.message.headers).toEqual({ ...contractHeaders(Topics.RecordsRaw), [MessageHeaders.messageId]: 'm-42' });
    expect(decode(Topics.RecordsRaw, entry.message.value as Buffer)).toMatchObject({
      messageId: 'm-42',
      recordId: '42',
      attributes: '{"Id":"42"}',
    });
  });
});
