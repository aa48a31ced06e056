import { dlq, ok } from '@tessera/kafka';
import type { EventDraft, Step } from '../pipeline-types';
import { aboutEvent } from './about';

/**
 * Checks track calls against the source's tracking plan. In reject mode the first violation rejects the event
 * (its detail lists them all); in flag mode the event passes with its violations recorded in `violations`.
 */
export function trackingPlanStep(): Step<EventDraft> {
  return (draft, env) => {
    const plan = env.plan;
    if (!plan || draft.type !== 'track' || draft.event === null) return ok(draft);
    const violations = env.planValidators.check(plan, draft.event, draft.properties ?? {});
    if (violations.length === 0) return ok(draft);
    if (plan.mode === 'reject') {
      const [first] = violations;
      return dlq(first.reason, violations.map((v) => v.detail).join('; '), first.path ?? undefined, aboutEvent(draft.raw));
    }
    draft.violations.push(...violations);
    return ok(draft);
  };
}
