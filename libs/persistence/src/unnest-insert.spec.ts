import { buildUnnestInsert, chunkRows } from './unnest-insert';

describe('buildUnnestInsert', () => {
  const columns = [
    { name: 'id', type: 'text' },
    { name: 'seen', type: 'bigint' },
    { name: 'traits', type: 'jsonb' },
  ];

  it('builds one statement with one array parameter per column', () => {
    const query = buildUnnestInsert({
      table: 'profiles',
      columns,
      rows: [
        { id: 'p1', seen: 5n, traits: { plan: 'pro' } },
        { id: 'p2', seen: 7, traits: undefined },
      ],
    });
    expect(query.text).toBe('INSERT INTO "profiles" ("id", "seen", "traits") SELECT * FROM unnest($1::text[], $2::bigint[], $3::jsonb[])');
    // Array literals, as pg would have encoded [['p1', 'p2'], ['5', 7], ['{"plan":"pro"}', null]].
    expect(query.values).toEqual(['{"p1","p2"}', '{"5","7"}', '{"{\\"plan\\":\\"pro\\"}",NULL}']);
  });

  it('adds conflict handling and RETURNING', () => {
    const query = buildUnnestInsert({
      table: 'profiles',
      alias: 'p',
      columns,
      rows: [],
      onConflict: {
        target: ['id'],
        update: ['traits', { column: 'seen', expression: 'p.seen + EXCLUDED.seen' }],
        where: 'EXCLUDED.seen > 0',
      },
      returning: ['id'],
    });
    expect(query.text).toBe(
      'INSERT INTO "profiles" AS "p" ("id", "seen", "traits") SELECT * FROM unnest($1::text[], $2::bigint[], $3::jsonb[]) ' +
        'ON CONFLICT ("id") DO UPDATE SET "traits" = EXCLUDED."traits", "seen" = p.seen + EXCLUDED.seen WHERE EXCLUDED.seen > 0 RETURNING "id"',
    );
    expect(buildUnnestInsert({ table: 't', columns, rows: [], onConflict: { target: ['id'], action: 'nothing' } }).text).toMatch(
      /ON CONFLICT \("id"\) DO NOTHING$/,
    );
  });

  it('refuses identifiers and types that could smuggle SQL', () => {
    expect(() => buildUnnestInsert({ table: 'x"; DROP TABLE y; --', columns, rows: [] })).toThrow(/Invalid table name/);
    expect(() => buildUnnestInsert({ table: 't', columns: [{ name: 'Id', type: 'text' }], rows: [] })).toThrow(/Invalid column name/);
    expect(() => buildUnnestInsert({ table: 't', columns: [{ name: 'id', type: 'text[]' }], rows: [] })).toThrow(
      /Unsupported unnest column type/,
    );
    expect(() => buildUnnestInsert({ table: 't', columns: [{ name: 'id', type: 'text); DROP' }], rows: [] })).toThrow(/Unsupported/);
    expect(() => buildUnnestInsert({ table: 't', columns: [], rows: [] })).toThrow(/at least one column/);
  });

  it('accepts multi-word and parameterised types', () => {
    const query = buildUnnestInsert({
      table: 't',
      columns: [
        { name: 'a', type: 'double precision' },
        { name: 'b', type: 'numeric(12, 2)' },
      ],
      rows: [],
    });
    expect(query.text).toContain('unnest($1::double precision[], $2::numeric(12, 2)[])');
  });

  it('binds a bytea column as one blob with starts and lengths, sliced in SQL', () => {
    const query = buildUnnestInsert({
      table: 'items',
      columns: [
        { name: 'id', type: 'text' },
        { name: 'payload', type: 'bytea' },
      ],
      rows: [
        { id: 'a', payload: Buffer.from('xy') },
        { id: 'b', payload: null },
        { id: 'c', payload: new Uint8Array([1, 2, 3]) },
      ],
      onConflict: { target: ['id'], action: 'nothing' },
    });
    expect(query.text).toBe(
      'INSERT INTO "items" ("id", "payload") SELECT "u"."c1" AS "id", substring($4::bytea FROM "u"."c2" FOR "u"."c3") AS "payload" ' +
        'FROM unnest($1::text[], $2::integer[], $3::integer[]) AS "u"("c1", "c2", "c3") ON CONFLICT ("id") DO NOTHING',
    );
    expect(query.values).toEqual(['{"a","b","c"}', '{1,NULL,3}', '{2,NULL,3}', Buffer.from([0x78, 0x79, 1, 2, 3])]);
  });

  it('keeps a bytea column holding text (`\\x..`) as a text array, as pg encoded it', () => {
    const query = buildUnnestInsert({ table: 'items', columns: [{ name: 'payload', type: 'bytea' }], rows: [{ payload: '\\x0102' }] });
    expect(query.text).toBe('INSERT INTO "items" ("payload") SELECT * FROM unnest($1::bytea[])');
    expect(query.values).toEqual(['{"\\\\x0102"}']);
  });
});

describe('chunkRows', () => {
  it('splits into chunks of at most the given size', () => {
    expect(chunkRows([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunkRows([], 2)).toEqual([]);
  });
});
