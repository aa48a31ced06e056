import type { ResolvedItem } from '@tessera/contracts';
import { campaignTouch, consentPreferences, isObject, parseJsonObject, type JsonObject } from './item-context';
import { observeOrder } from './order-observer';
import { CONSENT_PRIORITY, effectivePriority, type PriorityConfig } from './priority-config';
import { emptyProfileState, type JsonValue, type ProfileState, type TraitCell, type TraitMode } from './profile-state';
import { betterCell } from './profile-state-join';
import type { Provenance } from './provenance';
import { canonicalTraitName, CONSENT_FIELD_PREFIX, recordAttributeField } from './trait-names';

/** Counter names of non-track items (track events count under their own name). */
export function counterName(item: ResolvedItem): string {
  if (item.kind === 'record') return `$record:${item.record?.objectType ?? 'record'}`;
  const event = item.event;
  if (!event) return '$unknown';
  if (event.type === 'track') return event.event ?? '$track';
  return `$${event.type}`;
}

interface TraitOp {
  field: string;
  /** `source`: the item's source's own register (record attributes, see TraitRegisters). */
  mode: TraitMode | 'source';
  value: JsonValue;
  tombstone: boolean;
}

/**
 * Trait operations of an identify's traits (or a track's properties, PostHog-style): plain keys and `$set` are
 * $set, `$set_once` is set-once, `$unset` (an array of names) writes tombstones. null values are ignored:
 * "no information" never erases a value; $unset does.
 */
function traitOps(bag: JsonObject | null, plainKeysAreSet: boolean): TraitOp[] {
  if (!bag) return [];
  const ops: TraitOp[] = [];
  const addAll = (object: unknown, mode: TraitMode): void => {
    if (!isObject(object)) return;
    for (const [name, value] of Object.entries(object)) {
      if (value === null || value === undefined) continue;
      ops.push({ field: canonicalTraitName(name), mode, value: value as JsonValue, tombstone: false });
    }
  };
  if (plainKeysAreSet) addAll(Object.fromEntries(Object.entries(bag).filter(([key]) => !key.startsWith('$'))), 'set');
  addAll(bag.$set, 'set');
  addAll(bag.$set_once, 'once');
  if (Array.isArray(bag.$unset)) {
    for (const name of bag.$unset)
      if (typeof name === 'string') ops.push({ field: canonicalTraitName(name), mode: 'set', value: null, tombstone: true });
  }
  return ops;
}

/**
 * A record's attributes go to its source's register. null is the source saying the value is gone (a connector's
 * full refresh sends null for each attribute of a row that disappeared): it retracts that source's value, and the
 * field falls back to the other sources.
 */
function recordOps(item: ResolvedItem): TraitOp[] {
  const record = item.record;
  const attributes = parseJsonObject(record?.attributes);
  if (!record || !attributes) return [];
  const ops: TraitOp[] = [];
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined) continue;
    const field = recordAttributeField(name, Object.hasOwn(record.mapping, name) ? record.mapping[name] : undefined);
    if (field) ops.push({ field, mode: 'source', value: value as JsonValue, tombstone: value === null });
  }
  return ops;
}

function addTrait(state: ProfileState, op: TraitOp, provenance: Provenance): void {
  const registers = state.traits.get(op.field) ?? {};
  const cell: TraitCell = { value: op.tombstone ? null : op.value, tombstone: op.tombstone, provenance };
  if (op.mode === 'source') {
    const sources = registers.sources ?? new Map<string, TraitCell>();
    sources.set(provenance.sourceId, betterCell('set', sources.get(provenance.sourceId), cell) ?? cell);
    registers.sources = sources;
  } else {
    registers[op.mode] = betterCell(op.mode, registers[op.mode], cell);
  }
  state.traits.set(op.field, registers);
}

function normalizeEmail(value: unknown): string | null {
  return typeof value === 'string' && value.includes('@') ? value.trim().toLowerCase() : null;
}

/**
 * What one resolved item says about its profile, as a profile-state delta. Pure: the same item and priority
 * configuration always give the same delta, and deltas fold in any order (see joinProfileState).
 * Test traffic (isTest) is counted as an item and keeps its identifiers (the resolver linked them), and says
 * nothing else: no counts, traits, emails, consent, campaigns, orders or first/last seen, so it never moves a
 * real profile's KPIs. A profile of test items only shows as isTest.
 */
export function observeItem(item: ResolvedItem, config: PriorityConfig): ProfileState {
  const state = emptyProfileState();
  const at = item.occurredAt;
  const origin = item.record?.origin;
  const provenanceFor = (field: string): Provenance => ({
    sourceId: item.sourceId,
    priority: effectivePriority(config, item.sourceId, field),
    occurredAt: at,
    messageId: item.messageId,
    ...(origin ? { origin: { ...origin } } : {}),
  });
  state.itemCount = 1;
  state.hasNonTestItem = !(item.event?.isTest ?? item.record?.isTest ?? false);
  for (const identifier of item.identifiers) state.identifiers.add(`${identifier.type}:${identifier.value}`);
  if (!state.hasNonTestItem) return state;
  state.firstSeen = at;
  state.lastSeen = at;
  state.counters.set(counterName(item), { count: 1, firstAt: at, lastAt: at });

  let ops: TraitOp[] = [];
  const event = item.event;
  if (event) {
    const context = parseJsonObject(event.context);
    if (event.type === 'identify') ops = traitOps(parseJsonObject(event.traits), true);
    else if (event.type === 'track') ops = traitOps(parseJsonObject(event.properties), false);
    const orders = observeOrder(item, parseJsonObject(event.properties));
    if (orders) state.orders = orders;
    const touch = campaignTouch(context, item, at);
    if (touch) state.campaigns = { touchCount: 1, first: touch, last: touch, pending: [touch] };
    for (const [category, granted] of consentPreferences(context)) {
      addTrait(
        state,
        { field: `${CONSENT_FIELD_PREFIX}${category}`, mode: 'set', value: granted, tombstone: false },
        { ...provenanceFor(''), priority: CONSENT_PRIORITY },
      );
    }
  } else {
    ops = recordOps(item);
  }
  for (const op of ops) if (!op.field.startsWith(CONSENT_FIELD_PREFIX)) addTrait(state, op, provenanceFor(op.field));

  const emails = new Set<string>();
  for (const identifier of item.identifiers) if (identifier.type === 'email') emails.add(identifier.value.trim().toLowerCase());
  for (const op of ops)
    if (op.field === 'email' && !op.tombstone) {
      const email = normalizeEmail(op.value);
      if (email) emails.add(email);
    }
  for (const email of emails) state.emails.set(email, provenanceFor('email'));
  return state;
}
