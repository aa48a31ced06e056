/** PUT /v1/identity-rules/:type body. */
export interface IdentityRuleBody {
  priority: number;
  maxPerProfile: number | null;
  blockedValues?: string[];
  blockedPatterns?: string[];
  maxDistinctUserIds?: number | null;
}

export const IDENTITY_RULE_BODY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['priority', 'maxPerProfile'],
  properties: {
    priority: { type: 'integer', minimum: 1, maximum: 1000 },
    maxPerProfile: { type: ['integer', 'null'], minimum: 1 },
    blockedValues: { type: 'array', maxItems: 1000, items: { type: 'string', minLength: 1, maxLength: 512 } },
    blockedPatterns: { type: 'array', maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 512 } },
    maxDistinctUserIds: { type: ['integer', 'null'], minimum: 1 },
  },
} as const;

/** Identifier types are the contract's free-form strings, but kept simple for URLs and logs. */
export const IDENTIFIER_TYPE_PATTERN = /^(\*|[a-z0-9_]+|external:[A-Za-z0-9_.-]+)$/;
