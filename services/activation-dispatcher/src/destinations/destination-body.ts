import type { ConfigProblem, DestinationCatalog } from '@tessera/destinations';
import { invalidBody, JsonBodyValidator } from '@tessera/service-kit';

/** Per-destination delivery settings; every one has a default. */
export interface DestinationSettings {
  /** Consent categories a profile must have granted (lower-cased), e.g. ["marketing"] for an ad audience. */
  requiredConsent: string[];
  maxAttempts: number;
  /** A delivery older than this goes to the DLQ (default 24 h). */
  maxAgeSeconds: number;
  concurrency: number;
  /** Calls per second at most; null: unlimited. */
  ratePerSecond: number | null;
  batchSize: number;
}

export const DEFAULT_SETTINGS: DestinationSettings = {
  requiredConsent: [],
  maxAttempts: 20,
  maxAgeSeconds: 86_400,
  concurrency: 4,
  ratePerSecond: null,
  batchSize: 100,
};

export interface DestinationBody extends DestinationSettings {
  id?: string;
  name: string;
  kind: string;
  config: Record<string, unknown>;
  /** Write-only. On update, a name set to null removes that secret; names left out keep their value. */
  secrets: Record<string, string | null>;
}

const settingsSchema = {
  requiredConsent: { type: 'array', maxItems: 20, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 100 } },
  maxAttempts: { type: 'integer', minimum: 1, maximum: 100 },
  maxAgeSeconds: { type: 'integer', minimum: 60, maximum: 30 * 86_400 },
  concurrency: { type: 'integer', minimum: 1, maximum: 64 },
  ratePerSecond: { type: ['number', 'null'], exclusiveMinimum: 0, maximum: 100_000 },
  batchSize: { type: 'integer', minimum: 1, maximum: 10_000 },
};

const body = new JsonBodyValidator<Partial<DestinationBody> & Pick<DestinationBody, 'name' | 'kind' | 'config'>>({
  type: 'object',
  additionalProperties: false,
  required: ['name', 'kind', 'config'],
  properties: {
    id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$' },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    kind: { type: 'string', minLength: 1, maxLength: 100 },
    config: { type: 'object' },
    secrets: { type: 'object', additionalProperties: { type: ['string', 'null'], maxLength: 10_000 } },
    ...settingsSchema,
  },
});

/** Checks the shape of a destination body; the config and secrets are the catalog's to judge (checkWithCatalog). */
export function parseDestinationBody(input: unknown): DestinationBody {
  const parsed = body.parse(input);
  return {
    ...DEFAULT_SETTINGS,
    ...parsed,
    requiredConsent: (parsed.requiredConsent ?? []).map((c) => c.toLowerCase()),
    secrets: parsed.secrets ?? {},
  };
}

/** The catalog's verdict on a kind, config and the secrets that will be stored: a 400 with every path. */
export function checkWithCatalog(catalog: DestinationCatalog, kind: string, config: unknown, secrets: Record<string, string>): void {
  const problems: ConfigProblem[] = catalog.kinds.includes(kind as never)
    ? catalog.validate(kind, config, secrets)
    : [
        {
          path: '/kind',
          message: `unknown destination kind ${JSON.stringify(kind)}; one of: ${catalog.kinds.join(', ') || '(none installed)'}`,
        },
      ];
  if (problems.length === 0) return;
  throw invalidBody(problems);
}
