import { contactsPlan } from '../test-support/contacts-plan';
import { encodeRecord, encodeUnset, recordMessageId } from './record-encoder';

const origin = { connectionId: 'crm', runId: 'run-1', sourceId: 'crm-src' };
const plan = contactsPlan;
const record = (data: Record<string, unknown>) => ({ type: 'record' as const, stream: 'contacts', rowKey: String(data.Id), data });
/** A keyless file's row: its rowKey is where it was read. */
const at = (data: Record<string, unknown>, row: number) => ({ ...record(data), rowKey: `crm.csv:${row}`, positional: true });

describe('recordMessageId', () => {
  it('is a UUID that depends only on connection, run, stream, row key and checkpoint number', () => {
    const id = recordMessageId(origin, 'contacts', '42', 3);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(recordMessageId(origin, 'contacts', '42', 3)).toBe(id);
    for (const other of [
      recordMessageId(origin, 'contacts', '42', 4),
      recordMessageId(origin, 'contacts', '43', 3),
      recordMessageId({ ...origin, runId: 'run-2' }, 'contacts', '42', 3),
    ])
      expect(other).not.toBe(id);
  });
});

describe('encodeRecord', () => {
  it('sends only the mapped fields, adds the identifier as crm_id, and splits the mapping into the contract maps', () => {
    const encoded = encodeRecord(
      plan({}),
      origin,
      'contacts',
      record({ Id: 42, Email: 'a@x.io', Tier: 'gold', End: '2027-01-31', Secret: 'no' }),
      0,
      1000,
    );
    expect(encoded.key).toBe('crm-src:42');
    expect(JSON.parse(encoded.value.attributes)).toEqual({ Id: 42, Email: 'a@x.io', Tier: 'gold', End: '2027-01-31' });
    expect(encoded.value).toMatchObject({
      recordId: '42',
      objectType: 'contacts',
      mapping: { Email: 'email', Id: 'crm_id' },
      renames: { Tier: 'loyalty_tier', End: 'contract_end' },
      casts: { End: 'date' },
    });
    expect(encoded.value.origin).toEqual({ connectionId: 'crm', runId: 'run-1', stream: 'contacts', rowKey: '42' });
  });

  it('namespaces the record id and a crm id by brand, but not an email identifier', () => {
    const crm = encodeRecord(
      plan({ brandField: 'Brand' }),
      origin,
      'contacts',
      record({ Id: 7, Email: 'a@x.io', Brand: 'north' }),
      0,
      1000,
    );
    expect(crm.value.recordId).toBe('north:7');
    expect(JSON.parse(crm.value.attributes)).toMatchObject({ Id: 'north:7', brand: 'north' });
    const byEmail = encodeRecord(
      plan({ brandField: 'Brand', identifierField: 'Email' }),
      origin,
      'contacts',
      { ...record({ Id: 7, Email: 'a@x.io', Brand: 'north' }) },
      0,
      1000,
    );
    expect(byEmail.value.recordId).toBe('north:7');
    expect(JSON.parse(byEmail.value.attributes)).toMatchObject({ Email: 'a@x.io', brand: 'north' });
  });

  it('knows a positional row (a keyless file row) by its identifier value, never by its place in the file', () => {
    const encoded = encodeRecord(
      plan({ brandField: 'Brand' }),
      origin,
      'contacts',
      at({ Id: 7, Tier: 'gold', Brand: 'north' }, 2),
      2,
      1000,
    );
    expect(encoded).toMatchObject({ key: 'crm-src:north:7', rowKey: '7', identifier: 'north:7', brand: 'north' });
    expect(encoded.value.recordId).toBe('north:7');
    // where it was read stays traceable, and two rows of one checkpoint never share a message id
    expect(encoded.value.origin).toEqual({ connectionId: 'crm', runId: 'run-1', stream: 'contacts', rowKey: 'crm.csv:2' });
    expect(encoded.value.messageId).toBe(recordMessageId(origin, 'contacts', 'crm.csv:2', 2));
  });

  it('knows a positional row without an identifier value by its content, and keeps no row key for it', () => {
    const first = encodeRecord(plan({}), origin, 'contacts', at({ Id: '', Email: 'a@x.io', Tier: 'gold' }, 3), 0, 1000);
    expect(first.rowKey).toBeNull();
    expect(first.value.recordId).toMatch(/^sha256:[0-9a-f]{32}$/);
    expect(encodeRecord(plan({}), origin, 'contacts', at({ Id: '', Email: 'a@x.io', Tier: 'gold' }, 9), 5, 1000).value.recordId).toBe(
      first.value.recordId,
    );
    expect(encodeRecord(plan({}), origin, 'contacts', at({ Id: '', Email: 'b@x.io', Tier: 'gold' }, 3), 0, 1000).value.recordId).not.toBe(
      first.value.recordId,
    );
  });

  it('takes observedAt from the named field', () => {
    expect(
      encodeRecord(plan({ observedAtField: 'updated' }), origin, 'contacts', record({ Id: 1, updated: '2026-01-01T00:00:00Z' }), 0, 1).value
        .observedAt,
    ).toBe('2026-01-01T00:00:00Z');
  });
});

describe('encodeUnset', () => {
  it('keeps the identifier and brand, nulls every other mapped field, and drops casts', () => {
    const unset = encodeUnset(
      plan({ brandField: 'Brand' }),
      origin,
      { stream: 'contacts', rowKey: '7', identifier: 'north:7', brand: 'north' },
      1,
    );
    expect(unset.value.recordId).toBe('north:7');
    expect(JSON.parse(unset.value.attributes)).toEqual({ Id: 'north:7', Email: null, Tier: null, End: null, brand: 'north' });
    expect(unset.value.casts).toEqual({});
  });
});
