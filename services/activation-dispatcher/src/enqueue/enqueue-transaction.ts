import type { SqlExecutor } from '@tessera/kafka';
import type { ProfileState } from '../projection/profile-state';
import { DeliveryPlanner } from './delivery-planner';
import { writePlan, type WriteSummary } from './delivery-writer';
import { loadPlanContext } from './plan-context.loader';

export interface EnqueueInput {
  /** Latest states of the locked profiles the plan may touch. */
  profiles: ReadonlyMap<string, ProfileState>;
  /** Their states before this transaction (default: unchanged). */
  before?: ReadonlyMap<string, ProfileState>;
  /** Segments whose syncs must be loaded even if no profile is in them yet (membership changes). */
  segmentIds?: readonly string[];
}

/** Loads what the planner needs, lets `decide` plan, and writes the plan: one call per transaction. */
export async function enqueueDeliveries(
  tx: SqlExecutor,
  input: EnqueueInput,
  decide: (planner: DeliveryPlanner) => void,
): Promise<WriteSummary> {
  const context = await loadPlanContext(tx, input.profiles, input.before ?? input.profiles, input.segmentIds ?? []);
  const planner = new DeliveryPlanner(context);
  decide(planner);
  return writePlan(tx, planner);
}
