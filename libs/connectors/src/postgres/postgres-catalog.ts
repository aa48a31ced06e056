import { escapeIdentifier, type Client } from 'pg';
import type { PostgresStreamConfig } from './postgres-config';
import { sourceSql } from './keyset-query';

export interface SourceColumn {
  name: string;
  /** pg_type name: int4, timestamptz, _text… */
  typeName: string;
  nullable: boolean;
}

/**
 * A stream's columns: a table's from information_schema (with nullability), a query's from its result description
 * (`LIMIT 0`: nothing is read; nullability unknown, so every column may be null).
 */
export async function streamColumns(client: Client, stream: PostgresStreamConfig): Promise<SourceColumn[]> {
  if (stream.table !== undefined) {
    const { rows } = await client.query<{ column_name: string; udt_name: string; is_nullable: string }>(
      `SELECT column_name, udt_name, is_nullable FROM information_schema.columns
        WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
      [stream.schema ?? 'public', stream.table],
    );
    if (rows.length === 0)
      throw new Error(`stream ${stream.name}: the table ${qualifiedName(stream)} does not exist or cannot be seen by this user`);
    return rows.map((r) => ({ name: r.column_name, typeName: r.udt_name, nullable: r.is_nullable === 'YES' }));
  }
  const described = await client.query(`SELECT * FROM ${sourceSql(stream)} LIMIT 0`);
  const oids = [...new Set(described.fields.map((f) => f.dataTypeID))];
  const { rows } = await client.query<{ oid: number; typname: string }>(
    'SELECT oid::int AS oid, typname FROM pg_type WHERE oid = ANY($1::oid[])',
    [oids],
  );
  const names = new Map(rows.map((r) => [r.oid, r.typname]));
  return described.fields.map((f) => ({ name: f.name, typeName: names.get(f.dataTypeID) ?? 'text', nullable: true }));
}

/** The configured primary key, or the table's primary key constraint; an Error when there is neither. */
export async function streamPrimaryKey(client: Client, stream: PostgresStreamConfig): Promise<string[]> {
  if (stream.primaryKey) return stream.primaryKey;
  const { rows } = await client.query<{ attname: string }>(
    `SELECT a.attname FROM pg_index i
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
      WHERE i.indrelid = to_regclass($1) AND i.indisprimary
      ORDER BY array_position(i.indkey::int2[], a.attnum)`,
    [qualifiedName(stream)],
  );
  if (rows.length === 0)
    throw new Error(
      `stream ${stream.name}: the table ${qualifiedName(stream)} has no primary key; set primaryKey (the tie-breaker and row key)`,
    );
  return rows.map((r) => r.attname);
}

function qualifiedName(stream: PostgresStreamConfig): string {
  return `${escapeIdentifier(stream.schema ?? 'public')}.${escapeIdentifier(stream.table!)}`;
}
