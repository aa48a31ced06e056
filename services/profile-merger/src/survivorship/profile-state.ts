import type { OrderBook } from './order-book';
import type { Provenance } from './provenance';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type TraitMode = 'set' | 'once';

/** One survivorship register: the winning observation of a field in one mode. A tombstone is an $unset. */
export interface TraitCell {
  value: JsonValue;
  tombstone: boolean;
  provenance: Provenance;
}

/**
 * A field's registers. Events' plain traits, `$set` and `$unset` share `set`; `$set_once` has `once`. Record
 * attributes keep one register per source (`sources`, by source id), ranked like `$set`: a record whose attribute
 * is null retracts that source's value (a tombstone in its register) and the field falls back to the best value of
 * the other sources and of `set`. A register per source is what makes that fallback possible; they only hold
 * record values, so an event's `$unset` still erases every lower-ranked value as it always did.
 */
export interface TraitRegisters {
  set?: TraitCell;
  once?: TraitCell;
  sources?: Map<string, TraitCell>;
}

export interface EventCounter {
  count: number;
  firstAt: number;
  lastAt: number;
}

/** A campaign touch is one item's: (sourceId, messageId), as two sources may reuse a messageId. */
export interface CampaignTouch {
  sourceId: string;
  messageId: string;
  occurredAt: number;
  source: string | null;
  medium: string | null;
  name: string | null;
  term: string | null;
  content: string | null;
}

/**
 * Campaign history as a summary that folds by sum/min/max: each item is applied exactly once (the processor's
 * guarantee) and two profiles never share an item, so touch counts simply add up. `pending` holds this delta's
 * touches for the history table; a stored profile reads back with none (the history is queried on demand).
 */
export interface CampaignSummary {
  touchCount: number;
  first: CampaignTouch | null;
  last: CampaignTouch | null;
  pending: CampaignTouch[];
}

/**
 * A profile as a join-semilattice-like value: every field is folded with an operation that is commutative and
 * associative (min, max, sum, union, best-by-provenance), so folding the same items in any order gives the
 * same state. A batch's delta and a stored profile have the same shape.
 */
export interface ProfileState {
  firstSeen: number | null;
  lastSeen: number | null;
  /** Items applied (events and records). */
  itemCount: number;
  counters: Map<string, EventCounter>;
  /** Orders and refunds by order key; revenue, order count and last order are derived from it (orderTotals). */
  orders: OrderBook;
  /** Canonical trait name (e.g. given-name, plan) or consent.<category> -> registers. */
  traits: Map<string, TraitRegisters>;
  campaigns: CampaignSummary;
  /** Email -> its best observation on this profile (candidates for the best email). */
  emails: Map<string, Provenance>;
  /** `type:value` of every identifier seen on the profile's items. */
  identifiers: Set<string>;
  /** False as soon as one non-test item arrives. Test items add nothing else but their count and identifiers. */
  hasNonTestItem: boolean;
}

export function emptyProfileState(): ProfileState {
  return {
    firstSeen: null,
    lastSeen: null,
    itemCount: 0,
    counters: new Map(),
    orders: new Map(),
    traits: new Map(),
    campaigns: { touchCount: 0, first: null, last: null, pending: [] },
    emails: new Map(),
    identifiers: new Set(),
    hasNonTestItem: false,
  };
}
