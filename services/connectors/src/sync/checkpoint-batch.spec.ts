import { contractHeaders, decode, Topics } from '@tessera/contracts';
import { decodeOutboxBatch } from '@tessera/kafka';
import { CheckpointBatch } from './checkpoint-batch';
import type { EncodedRecord } from './record-encoder';

function record(id: string, brand: string | null = null): EncodedRecord {
  return {
    key: `crm:${id}`,
    rowKey: id,
    identifier: id,
    brand,
    value: {
      messageId: `m-${id}`,
      sourceId: 'crm',
      receivedAt: 1,
      objectType: 'contacts',
      recordId: id,
      mapping: { Id: 'crm_id' },
      attributes: `{"Id":"${id}"}`,
      observedAt: null,
      renames: {},
      casts: {},
      origin: { connectionId: 'crm', runId: 'run-1', stream: 'contacts', rowKey: id },
    },
  };
}

describe('CheckpointBatch', () => {
  it('packs each record for cdp.records.raw: contract headers, the key, and the record as its payload', () => {
    const batch = new CheckpointBatch();
    batch.add(record('42'));
    batch.add(record('43'));
    const { count, packed } = batch.take();
    expect(count).toBe(2);
    const messages = packed.flatMap((row) => decodeOutboxBatch(row.packed));
    expect(messages.map((m) => m.topic)).toEqual([Topics.RecordsRaw, Topics.RecordsRaw]);
    expect(messages.map((m) => m.key!.toString())).toEqual(['crm:42', 'crm:43']);
    expect(messages.map((m) => m.headers)).toEqual([contractHeaders(Topics.RecordsRaw), contractHeaders(Topics.RecordsRaw)]);
    expect(decode(Topics.RecordsRaw, messages[1].value!)).toMatchObject({ messageId: 'm-43', recordId: '43', attributes: '{"Id":"43"}' });
  });

  it('stores a checkpoint of many records deflated (a few TOAST chunks instead of one per 2 kB), decoding to the same messages', () => {
    const batch = new CheckpointBatch();
    for (let i = 0; i < 200; i++) batch.add(record(String(1000 + i)));
    const [row] = batch.take().packed;
    expect(row.stored[0]).toBe(2);
    expect(row.stored.length).toBeLessThan(row.packed.length / 2);
    expect(decodeOutboxBatch(row.stored)).toEqual(decodeOutboxBatch(row.packed));
  });

  it('keeps the row keys column by column, brands only when a record had one, and starts empty after take', () => {
    const batch = new CheckpointBatch();
    batch.add(record('1'));
    batch.add(record('2', 'acme'));
    expect(batch.take().keys).toEqual({ rowKeys: ['1', '2'], identifiers: ['1', '2'], brands: [null, 'acme'] });
    expect(batch.size).toBe(0);
    batch.add(record('3'));
    expect(batch.take()).toMatchObject({ count: 1, keys: { rowKeys: ['3'], identifiers: ['3'], brands: null } });
  });

  it('sends a record known only by its content but keeps no row key for it: a full refresh cannot tell it left', () => {
    const batch = new CheckpointBatch();
    batch.add(record('1'));
    batch.add({ ...record('sha256:ab'), rowKey: null, identifier: null });
    expect(batch.size).toBe(2);
    const taken = batch.take();
    expect(taken.count).toBe(2);
    expect(taken.packed.flatMap((row) => decodeOutboxBatch(row.packed))).toHaveLength(2);
    expect(taken.keys).toEqual({ rowKeys: ['1'], identifiers: ['1'], brands: null });
  });
});
