import type { CommerceFactsInput, EventType, RawEvent, RawRecord, TrackingPlanViolationInput } from '@tessera/contracts';
import type { StepResult } from '@tessera/kafka';
import type { SourceSettings } from '../source-settings/source-settings';
import type { PlanValidatorCache } from '../tracking-plans/plan-validator-cache';
import type { TrackingPlan } from '../tracking-plans/tracking-plan';
import type { ItemObservations } from '../quality-report/item-observations';

export type JsonObject = Record<string, unknown>;

/** An event on its way through the steps; each step fills in or normalizes part of it. */
export interface EventDraft {
  readonly raw: RawEvent;
  type: EventType;
  userId: string | null;
  anonymousId: string | null;
  previousId: string | null;
  groupId: string | null;
  event: string | null;
  properties: JsonObject | null;
  traits: JsonObject | null;
  context: JsonObject | null;
  integrations: JsonObject | null;
  extra: JsonObject | null;
  timestamp: number;
  originalTimestamp: number | null;
  sentAt: number | null;
  revenue: number | null;
  currency: string | null;
  isTest: boolean;
  /** Set on order and refund events only (order-facts step). */
  commerce: CommerceFactsInput | null;
  violations: TrackingPlanViolationInput[];
}

/** A profile record on its way through the steps. */
export interface RecordDraft {
  readonly raw: RawRecord;
  attributes: JsonObject;
  mapping: Record<string, string>;
  observedAt: number;
  isTest: boolean;
}

/** What a step may consult about the item's source; loaded once per batch inside its transaction. */
export interface StepEnvironment {
  readonly plan: TrackingPlan | undefined;
  readonly settings: SourceSettings | undefined;
  /** Service-wide default when the source sets no region; '' when none. */
  readonly defaultPhoneRegion: string;
  /** How far ahead of receivedAt an event time may be before it is replaced by receivedAt. */
  readonly maxFutureSkewMs: number;
  readonly planValidators: PlanValidatorCache;
  /** Data-quality observations of this item (for the input-validation report), filled in by the steps. */
  readonly observations: ItemObservations;
}

export type Step<D> = (draft: D, env: StepEnvironment) => StepResult<D>;
