import { invalidBody, JsonBodyValidator } from '@tessera/service-kit';
import type { SyncMode } from '../enqueue/delivery-planner';
import { validateMapping, type FieldMapping } from '../enqueue/field-mapping';

export interface SyncBody {
  id?: string;
  segmentId: string;
  destinationId: string;
  mode: SyncMode;
  mapping: FieldMapping;
  /** Run the mirror diff every N seconds (any mode); null: only on demand. */
  scheduleSeconds: number | null;
  enabled: boolean;
}

const body = new JsonBodyValidator<Partial<SyncBody> & Pick<SyncBody, 'segmentId' | 'destinationId' | 'mode'> & { mapping?: unknown }>({
  type: 'object',
  additionalProperties: false,
  required: ['segmentId', 'destinationId', 'mode'],
  properties: {
    id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$' },
    segmentId: { type: 'string', minLength: 1, maxLength: 200 },
    destinationId: { type: 'string', minLength: 1, maxLength: 200 },
    mode: { enum: ['add_remove', 'upsert', 'mirror'] },
    mapping: {},
    scheduleSeconds: { type: ['integer', 'null'], minimum: 10, maximum: 30 * 86_400 },
    enabled: { type: 'boolean' },
  },
});

/** Checks a sync body; a bad field mapping is a 400 naming each field by JSON Pointer (`/mapping/plan`) and what is wrong. */
export function parseSyncBody(input: unknown): SyncBody {
  const parsed = body.parse(input);
  const mapping = parsed.mapping ?? {};
  const problems = validateMapping(mapping);
  if (problems.length > 0) throw invalidBody(problems);
  return { ...parsed, mapping: mapping as FieldMapping, scheduleSeconds: parsed.scheduleSeconds ?? null, enabled: parsed.enabled ?? true };
}
