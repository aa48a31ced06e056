import { joinOrderBooks } from './order-book';
import type { CampaignTouch, ProfileState, TraitCell, TraitMode, TraitRegisters } from './profile-state';
import { compareOnceRank, compareSetRank, compareText, type Provenance } from './provenance';

/** The winner of two cells of one mode (either may be absent). */
export function betterCell(mode: TraitMode, a: TraitCell | undefined, b: TraitCell | undefined): TraitCell | undefined {
  if (!a) return b;
  if (!b) return a;
  const compare = mode === 'set' ? compareSetRank : compareOnceRank;
  return compare(a.provenance, b.provenance) <= 0 ? a : b;
}

function minNullable(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

function maxNullable(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

/**
 * Folds `from` into `into` (mutating and returning `into`). Used both to apply an item's observations and to
 * merge an absorbed profile into its survivor: counts add up, traits are re-decided by survivorship.
 */
export function joinProfileState(into: ProfileState, from: ProfileState): ProfileState {
  into.firstSeen = minNullable(into.firstSeen, from.firstSeen);
  into.lastSeen = maxNullable(into.lastSeen, from.lastSeen);
  into.itemCount += from.itemCount;
  for (const [name, counter] of from.counters) {
    const current = into.counters.get(name);
    into.counters.set(
      name,
      current
        ? {
            count: current.count + counter.count,
            firstAt: Math.min(current.firstAt, counter.firstAt),
            lastAt: Math.max(current.lastAt, counter.lastAt),
          }
        : { ...counter },
    );
  }
  joinOrderBooks(into.orders, from.orders);
  for (const [field, registers] of from.traits) {
    const current: TraitRegisters = into.traits.get(field) ?? {};
    const next: TraitRegisters = {};
    const set = betterCell('set', current.set, registers.set);
    const once = betterCell('once', current.once, registers.once);
    if (set) next.set = set;
    if (once) next.once = once;
    if (current.sources || registers.sources) {
      next.sources = new Map(current.sources);
      for (const [sourceId, cell] of registers.sources ?? [])
        next.sources.set(sourceId, betterCell('set', next.sources.get(sourceId), cell) ?? cell);
    }
    into.traits.set(field, next);
  }
  into.campaigns = {
    touchCount: into.campaigns.touchCount + from.campaigns.touchCount,
    first: earlierTouch(into.campaigns.first, from.campaigns.first),
    last: laterTouch(into.campaigns.last, from.campaigns.last),
    pending: [...into.campaigns.pending, ...from.campaigns.pending],
  };
  for (const [email, provenance] of from.emails) {
    const current = into.emails.get(email);
    if (!current || compareSetRank(provenance, current) < 0) into.emails.set(email, provenance);
  }
  for (const identifier of from.identifiers) into.identifiers.add(identifier);
  into.hasNonTestItem = into.hasNonTestItem || from.hasNonTestItem;
  return into;
}

/**
 * The $set candidate of a field: the best of the events' `set` register and of each source's record register that
 * holds a value (a retracted source competes no more, so the next source by priority shows).
 */
function setCandidate(registers: TraitRegisters): TraitCell | undefined {
  let best = registers.set;
  for (const cell of registers.sources?.values() ?? []) if (!cell.tombstone) best = betterCell('set', best, cell);
  return best;
}

/**
 * The value a field shows. $set (or its $unset tombstone) decides when present; a $set_once value shows when
 * no $set ever arrived, or when it came after the latest $unset (the field was empty again, so "set once"
 * applies). Absent: undefined.
 */
export function effectiveTrait(registers: TraitRegisters): { value: unknown; cell: TraitCell; mode: TraitMode } | undefined {
  const { once } = registers;
  const set = setCandidate(registers);
  if (set && !set.tombstone) return { value: set.value, cell: set, mode: 'set' };
  if (once && (!set || once.provenance.occurredAt > set.provenance.occurredAt)) return { value: once.value, cell: once, mode: 'once' };
  return undefined;
}

/** The profile's own best email candidate (before the 1:1 assignment across profiles). */
export function bestEmailCandidate(emails: ReadonlyMap<string, Provenance>): string | null {
  let best: [string, Provenance] | null = null;
  for (const entry of emails) if (!best || compareSetRank(entry[1], best[1]) < 0) best = entry;
  return best ? best[0] : null;
}

/** Touch order: timestamp, then message id, then source id (the order of the history table's index). */
function compareTouches(a: CampaignTouch, b: CampaignTouch): number {
  return a.occurredAt - b.occurredAt || compareText(a.messageId, b.messageId) || compareText(a.sourceId, b.sourceId);
}

export function earlierTouch(a: CampaignTouch | null, b: CampaignTouch | null): CampaignTouch | null {
  if (!a) return b;
  if (!b) return a;
  return compareTouches(a, b) <= 0 ? a : b;
}

export function laterTouch(a: CampaignTouch | null, b: CampaignTouch | null): CampaignTouch | null {
  if (!a) return b;
  if (!b) return a;
  return compareTouches(a, b) >= 0 ? a : b;
}
