import { jsonPointer } from '../catalog/config-problems';
import type { ConfigProblem } from '../destination';

export interface WebhookConfig {
  url: string;
  /** Extra headers on every request (not secret: the API returns them). */
  headers?: Record<string, string>;
  /** Items per request; the dispatcher batches up to this. Default 100. */
  batchSize?: number;
  /** Per-attempt timeout. Default 10 s. */
  timeoutMs?: number;
  /**
   * A receiver that keeps an audience per sync can say what it holds: `GET <membersUrl>?audience=<sync id>` answers
   * `{"profileIds": [...]}`, and mirror syncs diff against that instead of against what Tessera last sent.
   */
  membersUrl?: string;
}

export interface WebhookSecrets {
  /** Standard Webhooks secret: `whsec_` + base64 of the key bytes. */
  signingSecret: string;
  /** Optional `Authorization: Bearer …` for receivers that want a token too. */
  bearerToken?: string;
}

export const WEBHOOK_DEFAULTS = { batchSize: 100, timeoutMs: 10_000, maxBatchSize: 1_000 } as const;

export const webhookConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['url'],
  properties: {
    url: { type: 'string', format: 'uri', pattern: '^https?://' },
    headers: { type: 'object', additionalProperties: { type: 'string' }, propertyNames: { pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" } },
    batchSize: { type: 'integer', minimum: 1, maximum: WEBHOOK_DEFAULTS.maxBatchSize },
    timeoutMs: { type: 'integer', minimum: 100, maximum: 120_000 },
    membersUrl: { type: 'string', format: 'uri', pattern: '^https?://' },
  },
} as const;

export const webhookSecretsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['signingSecret'],
  properties: {
    // 24 to 64 key bytes, as the Standard Webhooks spec recommends
    signingSecret: { type: 'string', pattern: '^whsec_[A-Za-z0-9+/]{32,88}={0,2}$' },
    bearerToken: { type: 'string', minLength: 1 },
  },
} as const;

/** Headers the adapter owns: letting config set them would forge or break the signature and the idempotency key. */
const RESERVED_HEADERS = new Set([
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'idempotency-key',
  'content-type',
  'content-length',
  'host',
  'authorization',
]);

export function webhookExtraProblems(config: WebhookConfig): ConfigProblem[] {
  return Object.keys(config.headers ?? {})
    .filter((name) => RESERVED_HEADERS.has(name.toLowerCase()))
    .map((name) => ({
      path: jsonPointer('/config/headers', name),
      message: 'is set by Tessera (signature, idempotency, auth) and cannot be configured',
    }));
}
