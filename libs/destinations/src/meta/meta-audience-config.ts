export interface MetaAudienceConfig {
  /** The Custom Audience id (digits). */
  audienceId: string;
  /** Graph API version. Default v21.0. */
  apiVersion?: string;
  /** Default https://graph.facebook.com; tests point it at a local server. */
  baseUrl?: string;
  /** ISO 3166 alpha-2 country for phone numbers written without a country code (e.g. "US"). */
  defaultCountry?: string;
  /** Records per call, at most Meta's 10,000. Default 10,000. */
  batchSize?: number;
  timeoutMs?: number;
}

export interface MetaAudienceSecrets {
  accessToken: string;
  /** Set when the Meta app requires appsecret_proof on server calls. */
  appSecret?: string;
}

export const META_DEFAULTS = {
  apiVersion: 'v21.0',
  baseUrl: 'https://graph.facebook.com',
  maxBatchSize: 10_000,
  timeoutMs: 30_000,
} as const;

export const metaAudienceConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['audienceId'],
  properties: {
    audienceId: { type: 'string', pattern: '^\\d{1,32}$' },
    apiVersion: { type: 'string', pattern: '^v\\d+\\.\\d+$' },
    baseUrl: { type: 'string', format: 'uri', pattern: '^https?://' },
    defaultCountry: { type: 'string', pattern: '^[A-Z]{2}$' },
    batchSize: { type: 'integer', minimum: 1, maximum: META_DEFAULTS.maxBatchSize },
    timeoutMs: { type: 'integer', minimum: 1_000, maximum: 300_000 },
  },
} as const;

export const metaAudienceSecretsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['accessToken'],
  properties: { accessToken: { type: 'string', minLength: 10 }, appSecret: { type: 'string', minLength: 8 } },
} as const;
