import type { JsonSchema } from '@tessera/connector-sdk';

export type HttpAuth =
  | { type: 'none' }
  | { type: 'bearer'; token: string }
  | { type: 'basic'; username: string; password: string }
  | { type: 'apiKey'; header: string; key: string };

export type HttpPagination =
  | { type: 'none' }
  /** The next page's token is read from the body at `nextCursorPath` and sent as the `cursorParam` query parameter. */
  | { type: 'cursor'; nextCursorPath: string; cursorParam: string }
  /** `pageParam` counts up from `firstPage` (default 1) until a page holds no record. */
  | { type: 'page'; pageParam: string; firstPage?: number; sizeParam?: string; pageSize?: number }
  /** RFC 8288: the `Link` header's rel="next" target, same origin as `baseUrl` only. */
  | { type: 'link' };

export interface HttpStreamConfig {
  name: string;
  /** Appended to `baseUrl`, e.g. `/v2/customers`. */
  path: string;
  query?: Record<string, string>;
  /** JSONPath to the records in a page's body, e.g. `$.data[*]` (or `$[*]` for a bare array). */
  recordsPath: string;
  /** The field(s) naming a row: its rowKey (several fields: a JSON array of their values). */
  primaryKey: string[];
  /** A field that grows when a row changes (`updated_at`, an increasing id): reads after the first are incremental. */
  cursorField?: string;
  /** Query parameter sent the saved cursor value, so the API filters (it must be inclusive: `>=`). */
  sinceParam?: string;
  pagination?: HttpPagination;
  /** JSONPath to the number of records the read will return, on the first page (`$.meta.total`): the run's ETA. */
  totalPath?: string;
  /** The JSON Schema of a record; without one, discover infers it from the first page. */
  schema?: JsonSchema;
}

export interface HttpRetryConfig {
  /** Attempts per request, the first included. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A Retry-After longer than this fails the read rather than stall the run. */
  maxRetryAfterMs?: number;
}

export interface HttpApiConfig {
  baseUrl: string;
  auth?: HttpAuth;
  headers?: Record<string, string>;
  timeoutMs?: number;
  retry?: HttpRetryConfig;
  streams: HttpStreamConfig[];
}

const stringMap = { type: 'object', additionalProperties: { type: 'string' } };
const whenType = (type: string, required: string[]): JsonSchema => ({
  if: { properties: { type: { const: type } }, required: ['type'] },
  // strict ajv wants each required name declared beside it; the real definitions are in the parent's properties
  then: { required, properties: Object.fromEntries(required.map((name) => [name, true])) },
});

const PAGINATION_SCHEMA = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { enum: ['none', 'cursor', 'page', 'link'] },
    nextCursorPath: { type: 'string', minLength: 1 },
    cursorParam: { type: 'string', minLength: 1 },
    pageParam: { type: 'string', minLength: 1 },
    firstPage: { type: 'integer', minimum: 0 },
    sizeParam: { type: 'string', minLength: 1 },
    pageSize: { type: 'integer', minimum: 1 },
  },
  allOf: [whenType('cursor', ['nextCursorPath', 'cursorParam']), whenType('page', ['pageParam'])],
};

export const HTTP_CONFIG_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['baseUrl', 'streams'],
  additionalProperties: false,
  properties: {
    baseUrl: { type: 'string', format: 'uri', pattern: '^https?://' },
    auth: {
      type: 'object',
      required: ['type'],
      additionalProperties: false,
      properties: {
        type: { enum: ['none', 'bearer', 'basic', 'apiKey'] },
        token: { type: 'string', minLength: 1, secret: true },
        username: { type: 'string', minLength: 1 },
        password: { type: 'string', secret: true },
        header: { type: 'string', pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" },
        key: { type: 'string', minLength: 1, secret: true },
      },
      allOf: [whenType('bearer', ['token']), whenType('basic', ['username', 'password']), whenType('apiKey', ['header', 'key'])],
    },
    headers: stringMap,
    timeoutMs: { type: 'integer', minimum: 100, maximum: 600_000 },
    retry: {
      type: 'object',
      additionalProperties: false,
      properties: {
        maxAttempts: { type: 'integer', minimum: 1, maximum: 20 },
        baseDelayMs: { type: 'integer', minimum: 1 },
        maxDelayMs: { type: 'integer', minimum: 1 },
        maxRetryAfterMs: { type: 'integer', minimum: 0 },
      },
    },
    streams: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['name', 'path', 'recordsPath', 'primaryKey'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', minLength: 1 },
          path: { type: 'string' },
          query: stringMap,
          recordsPath: { type: 'string', pattern: '^\\$' },
          primaryKey: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
          cursorField: { type: 'string', minLength: 1 },
          sinceParam: { type: 'string', minLength: 1 },
          pagination: PAGINATION_SCHEMA,
          totalPath: { type: 'string', pattern: '^\\$' },
          schema: { type: 'object' },
        },
      },
    },
  },
};

export const HTTP_DEFAULTS = {
  timeoutMs: 30_000,
  retry: { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 300_000 },
} as const;

export function retryPolicyOf(config: HttpApiConfig): Required<HttpRetryConfig> {
  return { ...HTTP_DEFAULTS.retry, ...config.retry };
}
