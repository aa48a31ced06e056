import type { SqlExecutor } from '@tessera/kafka';
import { eventHistoryOf, type EventHistory } from '../rules';
import { arrayLiteral } from '@tessera/persistence';
import { onePerOrder, type StoredOccurrence } from './order-occurrences';

export interface ProfileRow {
  profileId: string;
  version: number;
  status: 'active' | 'merged';
  mergedInto: string | null;
  values: Record<string, unknown>;
  /** `values` as JSON text: what the row stores and the membership messages carry, serialised once per profile. */
  valuesJson: string;
  identifiers: Array<{ type: string; value: string }>;
  isTest: boolean;
  /**
   * The earliest instant any of the profile's decisions or computed values could change with no new input (null:
   * none): its one due timer. Read under the row lock, so always the latest committed one.
   */
  dueAt: number | null;
}

/** What a decision reads of a stored membership (the API reads entered-at and reason itself). */
export interface StoredMembership {
  segmentVersion: number;
}

/**
 * Row-locks the profiles (creating empty rows for ids not seen yet) in id order, for the rest of the transaction.
 * Every path that decides memberships (consumers, the due-timer scheduler, backfills) takes this lock first, so
 * two decisions about one profile never interleave and a timer never fires past a fresher decision.
 * `values: false` leaves the stored values unread (see withoutValues): a profile change replaces them unread, and
 * they are most of the row; the caller reads those it needs with loadProfileValues.
 */
export async function lockProfiles(
  tx: SqlExecutor,
  ids: readonly string[],
  { values = true }: { values?: boolean } = {},
): Promise<Map<string, ProfileRow>> {
  const sorted = [...new Set(ids)].sort();
  if (sorted.length === 0) return new Map();
  const idList = arrayLiteral(sorted, 'plain');
  await tx.query('INSERT INTO profiles (profile_id) SELECT unnest($1::text[]) ON CONFLICT (profile_id) DO NOTHING', [idList]);
  // values as text, parsed on first use
  const { rows } = await tx.query<{
    profile_id: string;
    version: string;
    status: 'active' | 'merged';
    merged_into: string | null;
    vals: string | null;
    identifiers: ProfileRow['identifiers'];
    is_test: boolean;
    due_at_ms: string | null;
  }>(
    `SELECT profile_id, version, status, merged_into, ${values ? 'vals::text' : 'NULL'} AS vals, identifiers, is_test, due_at_ms
       FROM profiles WHERE profile_id = ANY($1::text[]) ORDER BY profile_id FOR UPDATE`,
    [idList],
  );
  return new Map(
    rows.map((r) => {
      const row = {
        profileId: r.profile_id,
        version: Number(r.version),
        status: r.status,
        mergedInto: r.merged_into,
        identifiers: r.identifiers,
        isTest: r.is_test,
        dueAt: r.due_at_ms === null ? null : Number(r.due_at_ms),
      };
      return [r.profile_id, values && r.vals !== null ? withValuesJson(row, r.vals) : withoutValues(row)];
    }),
  );
}

/** Reads the stored values of rows locked without them (lockProfiles `values: false`), in place. */
export async function loadProfileValues(tx: SqlExecutor, rows: Map<string, ProfileRow>, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const { rows: found } = await tx.query<{ profile_id: string; vals: string }>(
    'SELECT profile_id, vals::text AS vals FROM profiles WHERE profile_id = ANY($1::text[])',
    [arrayLiteral(ids, 'plain')],
  );
  for (const { profile_id, vals } of found) {
    const row = rows.get(profile_id);
    if (row) rows.set(profile_id, withValuesJson(row, vals));
  }
}

/** A row whose values were not read: reading them is a bug, and says so instead of deciding on no values. */
function withoutValues(row: Omit<ProfileRow, 'values' | 'valuesJson'>): ProfileRow {
  const unread = (): never => {
    throw new Error(`the values of profile ${row.profileId} were locked unread`);
  };
  return {
    ...row,
    get values() {
      return unread();
    },
    get valuesJson() {
      return unread();
    },
  };
}

/**
 * The row with its values as the JSON text `json`, parsed when first read (and kept): a decision that reads no
 * value never parses them, and the text is written and sent as it came, never serialised again.
 */
export function withValuesJson(row: Omit<ProfileRow, 'values' | 'valuesJson'>, json: string): ProfileRow {
  let parsed: Record<string, unknown> | undefined;
  // one object literal with a getter: Object.defineProperties on each row cost ~2.5 % of the evaluator's CPU on the bench
  return {
    profileId: row.profileId,
    version: row.version,
    status: row.status,
    mergedInto: row.mergedInto,
    identifiers: row.identifiers,
    isTest: row.isTest,
    dueAt: row.dueAt,
    valuesJson: json,
    get values() {
      return (parsed ??= JSON.parse(json) as Record<string, unknown>);
    },
  };
}

/**
 * The histories of `ids`; only the events named in `names` when given (a preview reads what its rule names). The
 * whole histories go through profile_histories (history-read.migration.ts), whose plan is the index probe.
 */
export async function loadEventHistories(
  tx: SqlExecutor,
  ids: readonly string[],
  names?: readonly string[],
): Promise<Map<string, EventHistory>> {
  const { rows } = await tx.query<{
    profile_id: string;
    name: string;
    at_ms: string;
    properties: Record<string, unknown>;
    order_key: string | null;
    message_id: string;
    source_id: string;
  }>(
    names
      ? `SELECT profile_id, name, at_ms, properties, order_key, message_id, source_id FROM profile_events
      WHERE profile_id = ANY($1::text[]) AND name = ANY($2::text[])`
      : 'SELECT profile_id, name, at_ms, properties, order_key, message_id, source_id FROM profile_histories($1::text[])',
    names ? [arrayLiteral(ids, 'plain'), arrayLiteral(names, 'plain')] : [arrayLiteral(ids, 'plain')],
  );
  const byProfile = new Map<string, StoredOccurrence[]>();
  for (const r of rows) {
    const list = byProfile.get(r.profile_id) ?? [];
    if (list.length === 0) byProfile.set(r.profile_id, list);
    list.push({
      name: r.name,
      at: Number(r.at_ms),
      properties: r.properties,
      orderKey: r.order_key,
      messageId: r.message_id,
      sourceId: r.source_id,
    });
  }
  return new Map(ids.map((id) => [id, eventHistoryOf(onePerOrder(byProfile.get(id) ?? []))]));
}

/** Memberships of `ids`; only of `segments` when given (a decision reads the segments it decides or references). */
export async function loadMemberships(
  tx: SqlExecutor,
  ids: readonly string[],
  segments?: readonly string[] | null,
): Promise<Map<string, Map<string, StoredMembership>>> {
  const { rows } = await tx.query<{ profile_id: string; segment_id: string; segment_version: number }>(
    'SELECT profile_id, segment_id, segment_version FROM memberships WHERE profile_id = ANY($1::text[]) AND ($2::text[] IS NULL OR segment_id = ANY($2::text[]))',
    [arrayLiteral(ids, 'plain'), segments ? arrayLiteral(segments, 'plain') : null],
  );
  const out = new Map<string, Map<string, StoredMembership>>(ids.map((id) => [id, new Map()]));
  for (const r of rows) out.get(r.profile_id)?.set(r.segment_id, { segmentVersion: r.segment_version });
  return out;
}

/**
 * One statement for a slice's profile rows: the projection rows the slice changed (every column, with the due time
 * decided now or the stored one) and the due times that moved on rows it did not change.
 */
export async function writeProfiles(
  tx: SqlExecutor,
  changed: readonly ProfileRow[],
  dues: ReadonlyMap<string, number | null>,
): Promise<void> {
  const rows = changed.map((row) => ({ row, due: dues.has(row.profileId) ? (dues.get(row.profileId) as number | null) : row.dueAt }));
  const full = new Set(changed.map((r) => r.profileId));
  const moved = [...dues].filter(([id]) => !full.has(id));
  if (rows.length === 0 && moved.length === 0) return;
  const none = moved.map(() => null);
  await tx.query(
    `UPDATE profiles p SET version = coalesce(x.version, p.version), status = coalesce(x.status, p.status),
            merged_into = CASE WHEN x.version IS NULL THEN p.merged_into ELSE x.merged_into END,
            vals = coalesce($5::jsonb -> (x.n::int - 1), p.vals), identifiers = coalesce(x.identifiers, p.identifiers), is_test = coalesce(x.is_test, p.is_test), due_at_ms = x.due_at_ms
       FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $6::jsonb[], $7::boolean[], $8::bigint[])
            WITH ORDINALITY AS x(profile_id, version, status, merged_into, identifiers, is_test, due_at_ms, n)
      WHERE p.profile_id = x.profile_id`,
    [
      arrayLiteral([...rows.map((r) => r.row.profileId), ...moved.map(([id]) => id)], 'plain'),
      arrayLiteral([...rows.map((r) => r.row.version), ...none], 'plain'),
      arrayLiteral([...rows.map((r) => r.row.status), ...none], 'plain'),
      arrayLiteral([...rows.map((r) => r.row.mergedInto), ...none], 'plain'),
      // the changed rows' values as one JSON array, element n - 1 for row n (past its end: a moved due time, keep
      // the stored values): the texts are joined as they came, where a text[] literal escaped every quote in them
      `[${rows.map((r) => r.row.valuesJson).join(',')}]`,
      arrayLiteral([...rows.map((r) => r.row.identifiers), ...none], 'json'),
      arrayLiteral([...rows.map((r) => r.row.isTest), ...none], 'plain'),
      arrayLiteral([...rows.map((r) => r.due), ...moved.map(([, due]) => due)], 'plain'),
    ],
  );
}
