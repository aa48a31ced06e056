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
    expect(query.values).toEqual([['p1', 'p2'], ['5', 7], ['{"plan":"pro"}', null]]);
  });

  it('adds conflict handling and RETURNING', () => {
    const query = buildUnnestInsert({
      table: 'profiles',
      alias: 'p',
      columns,
      rows: [],
      onConflict: { target: ['id'], update: ['traits', { column: 'seen', expression: 'p.seen + EXCLUDED.seen' }], where: 'EXCLUDED.seen > 0' },
      returning: ['id'],
    });
    expect(query.text).toBe(
      'INSERT INTO "profiles" AS "p" ("id", "seen", "traits") SELECT * FROM unnest($1::text[], $2::bigint[], $3::jsonb[]) ' +
        'ON CONFLICT ("id") DO UPDATE SET "traits" = EXCLUDED."traits", "seen" = p.seen + EXCLUDED.seen WHERE EXCLUDED.seen > 0 RETURNING "id"',
    );
    expect(buildUnnestInsert({ table: 't', columns, rows: [], onConflict: { target: ['id'], action: 'nothing' } }).text).toMatch(/ON CONFLICT \("id"\) DO NOTHING$/);
  });

  it('refuses identifiers and types that could smuggle SQL', () => {
    expect(() => buildUnnestInsert({ table: 'x"; DROP TABLE y; --', columns, rows: [] })).toThrow(/Invalid table name/);
    expect(() => buildUnnestInsert({ table: 't', columns: [{ name: 'Id', type: 'text' }], rows: [] })).toThrow(/Invalid column name/);
    expect(() => buildUnnestInsert({ table: 't', columns: [{ name: 'id', type: 'text[]' }], rows: [] })).toThrow(/Unsupported unnest column type/);
    expect(() => buildUnnestInsert({ table: 't', columns: [{ name: 'id', type: 'text); DROP' }], rows: [] })).toThrow(/Unsupported/);
    expect(() => buildUnnestInsert({ table: 't', columns: [], rows: [] })).toThrow(/at least one column/);
  });

  it('accepts multi-word and parameterised types', () => {
    const query = buildUnnestInsert({ table: 't', columns: [{ name: 'a', type: 'double precision' }, { name: 'b', type: 'numeric(12, 2)' }], rows: [] });
    expect(query.text).toContain('unnest($1::double precision[], $2::numeric(12, 2)[])');
  });
});

describe('chunkRows', () => {
  it('splits into chunks of at most the given size', () => {
    expect(chunkRows([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunkRows([], 2)).toEqual([]);
  });
});
