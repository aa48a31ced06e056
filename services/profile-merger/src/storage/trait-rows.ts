import type { ItemOrigin } from '../survivorship/provenance';
import type { JsonValue, TraitCell, TraitRegisters } from '../survivorship/profile-state';

/** `mode` of a source's record register in profile_traits: `source:<sourceId>` (next to `set` and `once`). */
const SOURCE_MODE_PREFIX = 'source:';

export interface TraitRow {
  profile_id: string;
  field: string;
  mode: string;
  value: JsonValue;
  tombstone: boolean;
  source_id: string;
  priority: number;
  occurred_at_ms: number | string;
  message_id: string;
  origin: ItemOrigin | null;
}

function row(profileId: string, field: string, mode: string, cell: TraitCell): TraitRow {
  const p = cell.provenance;
  return {
    profile_id: profileId,
    field,
    mode,
    value: cell.tombstone ? null : cell.value,
    tombstone: cell.tombstone,
    source_id: p.sourceId,
    priority: p.priority,
    occurred_at_ms: p.occurredAt,
    message_id: p.messageId,
    origin: p.origin ?? null,
  };
}

/** The profile_traits rows of one field's registers (one per register). */
export function traitRows(profileId: string, field: string, registers: TraitRegisters): TraitRow[] {
  const rows: TraitRow[] = [];
  if (registers.set) rows.push(row(profileId, field, 'set', registers.set));
  if (registers.once) rows.push(row(profileId, field, 'once', registers.once));
  for (const [sourceId, cell] of registers.sources ?? []) rows.push(row(profileId, field, `${SOURCE_MODE_PREFIX}${sourceId}`, cell));
  return rows;
}

/** Puts a stored row back into its field's registers. */
export function addTraitRow(registers: TraitRegisters, stored: TraitRow): void {
  const provenance = {
    sourceId: stored.source_id,
    priority: stored.priority,
    occurredAt: Number(stored.occurred_at_ms),
    messageId: stored.message_id,
    ...(stored.origin ? { origin: stored.origin } : {}),
  };
  const cell: TraitCell = { value: stored.value, tombstone: stored.tombstone, provenance };
  if (stored.mode === 'set' || stored.mode === 'once') registers[stored.mode] = cell;
  else if (stored.mode.startsWith(SOURCE_MODE_PREFIX))
    (registers.sources ??= new Map()).set(stored.mode.slice(SOURCE_MODE_PREFIX.length), cell);
}
