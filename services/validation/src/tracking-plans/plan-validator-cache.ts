import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { followsConvention } from './naming-convention';
import type { TrackingPlan } from './tracking-plan';
import { PlanSchemaError } from './plan-schema.error';

export type PlanViolationReason = 'unplanned_event' | 'schema_violation' | 'naming_convention';

export interface PlanViolation {
  reason: PlanViolationReason;
  detail: string;
  /** Dotted path of the offending field, e.g. properties.price. */
  path: string | null;
}

interface CompiledPlan {
  version: number;
  validators: Map<string, ValidateFunction | null>;
}

/**
 * Compiles a plan's JSON Schemas with ajv once per (source, plan version) and checks track events against it.
 * Compiling is the expensive part (it generates code), so the hot path only looks the version up.
 */
export class PlanValidatorCache {
  private readonly compiled = new Map<string, CompiledPlan>();

  /** Compiles every schema of the plan; throws PlanSchemaError on the first that does not compile. */
  compile(plan: Pick<TrackingPlan, 'sourceId' | 'version' | 'events'>): CompiledPlan {
    const cached = this.compiled.get(plan.sourceId);
    if (cached && cached.version === plan.version) return cached;
    const validators = new Map<string, ValidateFunction | null>();
    // One ajv instance per plan version: user schemas may carry a $id, which one shared instance would refuse to
    // register twice (the next version of the same plan), and the old version's code is freed with its instance.
    // strict: false because plans come from users and may carry annotations ajv does not know.
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    for (const event of plan.events) {
      if (!event.schema) {
        validators.set(event.name, null);
        continue;
      }
      try {
        validators.set(event.name, ajv.compile(event.schema));
      } catch (err) {
        throw new PlanSchemaError(event.name, err instanceof Error ? err.message : String(err));
      }
    }
    const entry = { version: plan.version, validators };
    this.compiled.set(plan.sourceId, entry);
    return entry;
  }

  /** Every violation of the plan by one track event, in a stable order (naming, then plan membership, then schema). */
  check(plan: TrackingPlan, eventName: string, properties: Record<string, unknown>): PlanViolation[] {
    const violations: PlanViolation[] = [];
    if (plan.namingConvention && !followsConvention(eventName, plan.namingConvention)) {
      violations.push({ reason: 'naming_convention', detail: `event name "${eventName}" is not ${plan.namingConvention}`, path: 'event' });
    }
    const { validators } = this.compile(plan);
    if (!validators.has(eventName)) {
      if (!plan.allowUnplannedEvents) {
        violations.push({
          reason: 'unplanned_event',
          detail: `event "${eventName}" is not in the tracking plan of source ${plan.sourceId}`,
          path: 'event',
        });
      }
      return violations;
    }
    const validate = validators.get(eventName);
    if (validate && !validate(properties)) {
      for (const error of validate.errors ?? []) violations.push(toViolation(error));
    }
    return violations;
  }

  /** Number of plans held compiled (for the cache gauge). */
  size(): number {
    return this.compiled.size;
  }
}

function toViolation(error: ErrorObject): PlanViolation {
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const missing = error.keyword === 'required' ? (error.params as { missingProperty?: string }).missingProperty : undefined;
  const extra = error.keyword === 'additionalProperties' ? (error.params as { additionalProperty?: string }).additionalProperty : undefined;
  if (missing) segments.push(missing);
  if (extra) segments.push(extra);
  const path = ['properties', ...segments].join('.');
  return { reason: 'schema_violation', detail: `${path} ${error.message ?? 'is invalid'}`, path };
}
