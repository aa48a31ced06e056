/** JSON Schemas of the admin API's request bodies (ajv). */
const rateLimit = {
  type: ['object', 'null'],
  additionalProperties: false,
  required: ['eventsPerSecond', 'burst'],
  properties: {
    eventsPerSecond: { type: 'integer', minimum: 0, maximum: 10_000_000 },
    burst: { type: 'integer', minimum: 1, maximum: 100_000_000 },
  },
} as const;

const name = { type: 'string', minLength: 1, maxLength: 200 } as const;

export interface CreateSourceBody {
  name: string;
  rateLimit?: { eventsPerSecond: number; burst: number } | null;
}

export const CREATE_SOURCE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name, rateLimit },
} as const;

export interface UpdateSourceBody {
  name?: string;
  enabled?: boolean;
  rateLimit?: { eventsPerSecond: number; burst: number } | null;
}

export const UPDATE_SOURCE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: { name, enabled: { type: 'boolean' }, rateLimit },
} as const;
