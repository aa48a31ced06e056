import type { JsonSchema } from '@tessera/connector-sdk';

export interface PostgresStreamConfig {
  name: string;
  /** A table (or view) in `schema`, or… */
  table?: string;
  schema?: string;
  /** …a SELECT, read as a subquery (no trailing semicolon needed). */
  query?: string;
  /** The column reads resume by: an updated_at timestamp or an increasing id. Rows where it is NULL are not read. */
  replicationKey: string;
  /** The tie-breaker and row key; a table's primary key constraint when not set, required for a query. */
  primaryKey?: string[];
}

export interface PostgresConfig {
  /** `postgres://user:password@host:5432/db?sslmode=require` (a secret: it holds the password), or the parts: */
  connectionString?: string;
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  password?: string;
  ssl?: boolean;
  streams: PostgresStreamConfig[];
  /** Rows per keyset page, one checkpoint each (default 5,000). */
  pageSize?: number;
}

export const DEFAULT_PAGE_SIZE = 5_000;

const identifier = { type: 'string', minLength: 1, maxLength: 63 };

export const POSTGRES_CONFIG_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['streams'],
  additionalProperties: false,
  properties: {
    connectionString: { type: 'string', pattern: '^postgres(ql)?://', secret: true },
    host: { type: 'string', minLength: 1 },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    database: { type: 'string', minLength: 1 },
    user: { type: 'string', minLength: 1 },
    password: { type: 'string', secret: true },
    ssl: { type: 'boolean' },
    pageSize: { type: 'integer', minimum: 1, maximum: 100_000 },
    streams: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['name', 'replicationKey'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', pattern: '^[A-Za-z0-9_.-]+$' },
          table: identifier,
          schema: identifier,
          query: { type: 'string', pattern: '^\\s*(?:[Ss][Ee][Ll][Ee][Cc][Tt]|[Ww][Ii][Tt][Hh])\\s' },
          replicationKey: identifier,
          primaryKey: { type: 'array', minItems: 1, items: identifier },
        },
        // Exactly one of table and query; a query names its primary key.
        anyOf: [
          { properties: { table: true }, required: ['table'] },
          { properties: { query: true }, required: ['query'] },
        ],
        allOf: [
          { if: { properties: { table: true }, required: ['table'] }, then: { properties: { query: { not: {} } } } },
          {
            if: { properties: { query: true }, required: ['query'] },
            then: { properties: { primaryKey: true, schema: { not: {} } }, required: ['primaryKey'] },
          },
        ],
      },
    },
  },
  // A connection string, or host + database + user; not both.
  anyOf: [
    { properties: { connectionString: true }, required: ['connectionString'] },
    { properties: { host: true, database: true, user: true }, required: ['host', 'database', 'user'] },
  ],
  if: { properties: { connectionString: true }, required: ['connectionString'] },
  then: { properties: { host: { not: {} }, database: { not: {} }, user: { not: {} }, password: { not: {} }, port: { not: {} } } },
};

export function findPostgresStream(config: PostgresConfig, name: string): PostgresStreamConfig {
  const stream = config.streams.find((s) => s.name === name);
  if (!stream)
    throw new Error(`the postgres connector has no stream ${name} (configured: ${config.streams.map((s) => s.name).join(', ')})`);
  return stream;
}
