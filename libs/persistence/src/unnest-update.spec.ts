import { buildUnnestDelete, buildUnnestUpdate } from './unnest-update';

describe('buildUnnestUpdate', () => {
  it('joins incoming rows on the key and assigns the other columns', () => {
    const query = buildUnnestUpdate({
      table: 'profiles',
      key: [{ name: 'id', type: 'text' }],
      columns: [
        { name: 'traits', type: 'jsonb' },
        { name: 'order_count', type: 'integer' },
      ],
      set: { order_count: 't.order_count + v.order_count' },
      where: 'v.order_count > 0',
      rows: [{ id: 'p1', traits: { a: 1 }, order_count: 2 }],
      returning: ['id'],
    });
    expect(query.text).toBe(
      'UPDATE "profiles" AS "t" SET "traits" = "v"."traits", "order_count" = t.order_count + v.order_count ' +
        'FROM unnest($1::text[], $2::jsonb[], $3::integer[]) AS "v"("id", "traits", "order_count") ' +
        'WHERE "t"."id" = "v"."id" AND (v.order_count > 0) RETURNING "t"."id"',
    );
    expect(query.values).toEqual(['{"p1"}', '{"{\\"a\\":1}"}', '{"2"}']);
  });

  it('refuses overrides for columns it does not carry, and empty keys', () => {
    const base = { table: 't', key: [{ name: 'id', type: 'text' }], columns: [{ name: 'n', type: 'int' }], rows: [] };
    expect(() => buildUnnestUpdate({ ...base, set: { other: '1' } })).toThrow(/not in columns/);
    expect(() => buildUnnestUpdate({ ...base, key: [] })).toThrow(/key column/);
  });
});

describe('bytea columns in UPDATE and DELETE', () => {
  it('read the rows from a subquery that slices the blob', () => {
    const query = buildUnnestUpdate({
      table: 'blobs',
      key: [{ name: 'id', type: 'text' }],
      columns: [{ name: 'body', type: 'bytea' }],
      rows: [{ id: 'a', body: Buffer.from('z') }],
    });
    expect(query.text).toBe(
      'UPDATE "blobs" AS "t" SET "body" = "v"."body" FROM (SELECT "u"."c1" AS "id", substring($4::bytea FROM "u"."c2" FOR "u"."c3") AS "body" ' +
        'FROM unnest($1::text[], $2::integer[], $3::integer[]) AS "u"("c1", "c2", "c3")) AS "v" WHERE "t"."id" = "v"."id"',
    );
    expect(query.values).toEqual(['{"a"}', '{1}', '{1}', Buffer.from('z')]);
  });
});

describe('buildUnnestDelete', () => {
  it('deletes the rows whose composite key is in the batch', () => {
    const query = buildUnnestDelete({
      table: 'memberships',
      key: [
        { name: 'segment_id', type: 'text' },
        { name: 'profile_id', type: 'text' },
      ],
      rows: [{ segment_id: 's1', profile_id: 'p1' }],
    });
    expect(query.text).toBe(
      'DELETE FROM "memberships" AS "t" USING unnest($1::text[], $2::text[]) AS "v"("segment_id", "profile_id") ' +
        'WHERE "t"."segment_id" = "v"."segment_id" AND "t"."profile_id" = "v"."profile_id"',
    );
    expect(query.values).toEqual(['{"s1"}', '{"p1"}']);
  });
});
