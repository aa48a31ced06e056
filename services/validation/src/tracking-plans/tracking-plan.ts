import type { NamingConvention } from './naming-convention';
import { NAMING_CONVENTION_NAMES } from './naming-convention';

export type TrackingPlanMode = 'reject' | 'flag';

export interface PlannedEvent {
  /** Exact event name of a track call. */
  name: string;
  /** JSON Schema (draft 2020-12 subset ajv supports) for the event's properties; absent means any properties. */
  schema?: Record<string, unknown>;
}

/** What the admin API accepts for a source's plan. */
export interface TrackingPlanBody {
  mode: TrackingPlanMode;
  namingConvention?: NamingConvention | null;
  /** When true, track events not listed pass (still subject to the naming convention). Default false. */
  allowUnplannedEvents?: boolean;
  events: PlannedEvent[];
}

/** A stored plan: one per source; every write bumps the version (which keys the compiled-schema cache). */
export interface TrackingPlan {
  sourceId: string;
  version: number;
  mode: TrackingPlanMode;
  namingConvention: NamingConvention | null;
  allowUnplannedEvents: boolean;
  events: PlannedEvent[];
  createdAt: string;
  updatedAt: string;
}

/** JSON Schema of the request body, checked with ajv before the event schemas themselves are compiled. */
export const TRACKING_PLAN_BODY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['mode', 'events'],
  properties: {
    mode: { enum: ['reject', 'flag'] },
    namingConvention: { anyOf: [{ type: 'null' }, { enum: NAMING_CONVENTION_NAMES }] },
    allowUnplannedEvents: { type: 'boolean' },
    events: {
      type: 'array',
      maxItems: 2000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 200 },
          schema: { type: 'object' },
        },
      },
    },
  },
} as const;
