/**
 * Schema, table and column names cannot be bound as parameters, so the few that are spliced into SQL are
 * restricted to plain lowercase identifiers and double-quoted. Anything else is a programming error.
 */
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertSqlIdentifier(name: string, what = 'identifier'): string {
  if (!IDENTIFIER.test(name)) {
    throw new Error(`Invalid ${what} "${name}": use a-z, 0-9 and _, starting with a letter or _, at most 63 characters`);
  }
  return name;
}

/** A schema name a service may own: an identifier that is not one of Postgres's reserved pg_* schemas. */
export function assertSchemaName(schema: string): string {
  assertSqlIdentifier(schema, 'schema name');
  if (schema.startsWith('pg_') || schema === 'information_schema') throw new Error(`Schema name "${schema}" is reserved by PostgreSQL`);
  return schema;
}

export function quoteIdentifier(name: string, what?: string): string {
  return `"${assertSqlIdentifier(name, what)}"`;
}
