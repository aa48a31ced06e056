import { Injectable } from '@nestjs/common';
import type { SqlExecutor } from '@tessera/kafka';
import { buildUnnestInsert } from '@tessera/persistence';
import { identifierKey, type Identifier } from '../resolution/identifier';
import { IdentityGraph, type ProfileState } from '../resolution/identity-graph';
import { itemIdentifierKey } from '../resolution/item-identifier-key';
import type { RuleBook } from '../resolution/rule-book';
import { IdentityLockContentionError } from './identity-lock-contention.error';
import { identifierLockKey, profileLockKey, sortedDistinct } from './identity-lock-keys';
import { insertMergeLog } from './merge-log-writer';
import type { ResolvedChange } from './resolved-change';
import { persistRenames } from './user-rename-writer';

const MAX_RELOCK_ROUNDS = 8;

/**
 * A per-key primary-key probe for `unnest(...) AS k CROSS JOIN LATERAL (...)`. The LIMIT 1 keeps the planner
 * from flattening it into a hash join over the whole table: one index lookup per key, whatever the table size.
 */
const PRIMARY_KEY_PROBE = (table: string, columns: string): string =>
  `SELECT ${columns} FROM ${table} WHERE ${table}.identifier_type = k.identifier_type AND ${table}.value = k.value LIMIT 1`;

/**
 * The keys of the rows whose `column` is an absorbed profile ($1), each with its root ($2), for a merge's
 * set-based UPDATE to join by key. One index probe per absorbed id, in a LATERAL subquery that OFFSET 0 keeps the
 * planner from flattening: a join of the table against unnest(...) has near-equal costs for a hash join and for a
 * nested loop that compares every row with every merge of the slice, and generic plans on statistics that lag
 * behind the table flipped to the latter (seconds per slice; docs/benchmarks.md). With `= ANY($1)` on the
 * probed column, each probe would walk the whole array instead.
 */
const PER_ABSORBED_ID = (keys: string, table: string, column: string): string =>
  `SELECT x.*, m.root FROM unnest($1::uuid[], $2::uuid[]) AS m(absorbed, root)
     CROSS JOIN LATERAL (SELECT ${keys} FROM ${table} WHERE ${column} = m.absorbed OFFSET 0) x`;

/**
 * Loads the part of the identity graph a slice touches, under locks, and writes the slice's resolutions back
 * with set-based statements, all inside the exactly-once processor's transaction.
 *
 * Locking (no deadlock possible): 1. advisory locks on every identifier of the slice, keys sorted ascending;
 * 2. advisory locks on every profile those identifiers point to, sorted ascending; 3. re-read the mapping: a
 * concurrent merge may have moved an identifier to a profile not yet held, which is then only TRIED
 * (pg_try_advisory_xact_lock); if it is busy the slice is retried (IdentityLockContentionError). A transaction
 * only ever blocks while acquiring in ascending order within one phase, so no wait cycle can form. Every row
 * written belongs to a locked identifier or profile, so row locks never wait either.
 */
@Injectable()
export class IdentityGraphStore {
  async lockAndLoad(tx: SqlExecutor, identifiers: readonly Identifier[], rules: RuleBook): Promise<IdentityGraph> {
    const distinct = [...new Map(identifiers.map((identifier) => [identifierKey(identifier), identifier])).values()];
    const graph = new IdentityGraph();
    if (distinct.length === 0) return graph;
    await this.lockAll(tx, sortedDistinct(distinct.map(identifierLockKey)));

    const held = new Set<string>();
    let owners = await this.readOwners(tx, distinct);
    await this.lockAll(tx, sortedDistinct([...new Set(owners.values())].map(profileLockKey)));
    for (const id of owners.values()) held.add(id);
    for (let round = 0; ; round++) {
      owners = await this.readOwners(tx, distinct);
      const missing = [...new Set(owners.values())].filter((id) => !held.has(id)).sort();
      if (missing.length === 0) break;
      if (round >= MAX_RELOCK_ROUNDS || !(await this.tryLockAll(tx, missing))) throw new IdentityLockContentionError(missing);
      for (const id of missing) held.add(id);
    }

    for (const identifier of distinct) {
      const owner = owners.get(identifierKey(identifier));
      if (owner !== undefined) graph.loadIdentifier(identifier, owner);
    }
    for (const profile of await this.readProfiles(tx, [...new Set(owners.values())], rules)) graph.loadProfile(profile);
    await this.loadSharedValueGuard(
      tx,
      graph,
      distinct.filter((identifier) => rules.ruleFor(identifier.type).maxDistinctUserIds !== null),
    );
    return graph;
  }

  /** Writes a slice's resolutions. Profile ids are written as they are at the end of the slice (graph.liveId). */
  async persist(tx: SqlExecutor, changes: readonly ResolvedChange[], graph: IdentityGraph, at: Date): Promise<void> {
    const newProfiles = changes
      .filter((c) => c.resolution.createdProfile)
      .map((c) => ({ profile_id: c.resolution.profileId, created_at: at }));
    if (newProfiles.length > 0) {
      await this.run(
        tx,
        buildUnnestInsert({
          table: 'profiles',
          columns: [
            { name: 'profile_id', type: 'uuid' },
            { name: 'created_at', type: 'timestamptz' },
          ],
          rows: newProfiles,
        }),
      );
    }

    // A user_id attached and then renamed within the slice is written once, as the rename's previous_user_id.
    const attached = changes.flatMap((c) =>
      c.resolution.attached
        .filter((identifier) => graph.profileOf(identifier) !== undefined)
        .map((identifier) => ({
          identifier_type: identifier.type,
          value: identifier.value,
          profile_id: graph.liveId(c.resolution.profileId!),
          first_message_id: c.messageId,
        })),
    );
    if (attached.length > 0) {
      await this.run(
        tx,
        buildUnnestInsert({
          table: 'identifiers',
          columns: [
            { name: 'identifier_type', type: 'text' },
            { name: 'value', type: 'text' },
            { name: 'profile_id', type: 'uuid' },
            { name: 'first_message_id', type: 'text' },
          ],
          rows: attached,
        }),
      );
    }

    await persistRenames(tx, changes, graph, at);

    const merges = changes.flatMap((c) =>
      c.resolution.merges.map((merge, index) => ({ change: c, merge, changeId: c.mergeChangeIds[index] })),
    );
    if (merges.length > 0) {
      const absorbed = merges.map(({ merge }) => merge.absorbedProfileId);
      const roots = absorbed.map((id) => graph.liveId(id));
      // Each absorbed id is one index probe inside a LATERAL subquery that OFFSET 0 fences off (PER_ABSORBED_ID).
      await tx.query(
        `UPDATE identifiers i SET profile_id = r.root
           FROM (${PER_ABSORBED_ID('identifier_type, value', 'identifiers', 'profile_id')}) r
          WHERE i.identifier_type = r.identifier_type AND i.value = r.value`,
        [absorbed, roots],
      );
      await tx.query(
        `UPDATE profiles p SET merged_into = r.root, merged_at = coalesce(p.merged_at, $3)
           FROM (${PER_ABSORBED_ID('profile_id', 'profiles', 'profile_id')}) r
          WHERE p.profile_id = r.profile_id`,
        [absorbed, roots, at],
      );
      // Redirects stay one hop deep: profiles absorbed earlier into a now-absorbed profile point to the new root too.
      // (After the statement above, no absorbed profile points into the list: roots are live.)
      await tx.query(
        `UPDATE profiles p SET merged_into = r.root
           FROM (${PER_ABSORBED_ID('profile_id', 'profiles', 'merged_into')}) r
          WHERE p.profile_id = r.profile_id`,
        [absorbed, roots],
      );
      // Separations keyed by an absorbed profile move to its survivor (whose lock this transaction holds too).
      await tx.query(
        `INSERT INTO profile_separations (profile_id, other_profile_id)
         SELECT m.root, s.other_profile_id FROM profile_separations s JOIN unnest($1::uuid[], $2::uuid[]) AS m(absorbed, root) ON s.profile_id = m.absorbed
         ON CONFLICT DO NOTHING`,
        [absorbed, roots],
      );
      await tx.query('DELETE FROM profile_separations WHERE profile_id = ANY($1::uuid[])', [absorbed]);
      await insertMergeLog(
        tx,
        merges.map(({ change, merge, changeId }) => ({
          change_id: changeId,
          kind: 'merge',
          survivor_profile_id: merge.survivorProfileId,
          absorbed_profile_id: merge.absorbedProfileId,
          rule: merge.rule,
          causing_message_id: change.messageId,
          identifiers: merge.identifiers.map(({ type, value }) => ({ type, value })),
          detail: null,
          at,
        })),
      );
    }

    const userLinks = changes.flatMap((c) =>
      c.resolution.userLinks.map(({ identifier, userId }) => ({
        identifier_type: identifier.type,
        value: identifier.value,
        user_id: userId,
      })),
    );
    if (userLinks.length > 0) {
      await this.run(
        tx,
        buildUnnestInsert({
          table: 'identifier_user_ids',
          columns: [
            { name: 'identifier_type', type: 'text' },
            { name: 'value', type: 'text' },
            { name: 'user_id', type: 'text' },
          ],
          rows: userLinks,
          onConflict: { target: ['identifier_type', 'value', 'user_id'], action: 'nothing' },
        }),
      );
    }

    const suspects = changes.flatMap((c) =>
      c.resolution.newSuspects.map(({ identifier, distinctUserIds }) => ({
        identifier_type: identifier.type,
        value: identifier.value,
        distinct_user_ids: distinctUserIds,
        causing_message_id: c.messageId,
      })),
    );
    if (suspects.length > 0) {
      await this.run(
        tx,
        buildUnnestInsert({
          table: 'suspect_values',
          columns: [
            { name: 'identifier_type', type: 'text' },
            { name: 'value', type: 'text' },
            { name: 'distinct_user_ids', type: 'integer' },
            { name: 'causing_message_id', type: 'text' },
          ],
          rows: suspects,
          onConflict: { target: ['identifier_type', 'value'], action: 'nothing' },
        }),
      );
    }

    if (changes.length > 0) {
      await this.run(
        tx,
        buildUnnestInsert({
          table: 'resolved_items',
          columns: [
            { name: 'source_id', type: 'text' },
            { name: 'message_id', type: 'text' },
            { name: 'kind', type: 'text' },
            { name: 'identifier_keys', type: 'jsonb' },
            { name: 'resolved_at', type: 'timestamptz' },
          ],
          rows: changes.map((c) => ({
            source_id: c.sourceId,
            message_id: c.messageId,
            kind: c.kind,
            identifier_keys: c.resolution.linked.map(itemIdentifierKey),
            resolved_at: at,
          })),
          // The primary key leads with message_id (ResolvedItemsCheaperWrites1732700000200).
          onConflict: { target: ['message_id', 'source_id'], action: 'nothing' },
        }),
      );
    }

    // Blocked values are routine noise (counted in metrics, listed on the resolved item); the rule-driven drops are decisions worth keeping.
    const decisions = changes.flatMap((c) =>
      c.resolution.dropped
        .filter((d) => d.reason !== 'blocked_value')
        .map((d) => ({
          message_id: c.messageId,
          identifier_type: d.type,
          value: d.value,
          reason: d.reason,
          profile_id: c.resolution.profileId === undefined ? null : graph.liveId(c.resolution.profileId),
          at,
        })),
    );
    if (decisions.length > 0) {
      await this.run(
        tx,
        buildUnnestInsert({
          table: 'identifier_decisions',
          columns: [
            { name: 'message_id', type: 'text' },
            { name: 'identifier_type', type: 'text' },
            { name: 'value', type: 'text' },
            { name: 'reason', type: 'text' },
            { name: 'profile_id', type: 'uuid' },
            { name: 'at', type: 'timestamptz' },
          ],
          rows: decisions,
        }),
      );
    }
  }

  private async lockAll(tx: SqlExecutor, keys: readonly bigint[]): Promise<void> {
    if (keys.length === 0) return;
    // A function scan over unnest yields the array in order, so the locks are taken in the sorted order given.
    await tx.query('SELECT pg_advisory_xact_lock(k) FROM unnest($1::bigint[]) AS k', [keys.map(String)]);
  }

  private async tryLockAll(tx: SqlExecutor, profileIds: readonly string[]): Promise<boolean> {
    const keys = sortedDistinct(profileIds.map(profileLockKey)).map(String);
    const { rows } = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock(k) AS locked FROM unnest($1::bigint[]) AS k', [
      keys,
    ]);
    return rows.every((row) => row.locked);
  }

  private async readOwners(tx: SqlExecutor, identifiers: readonly Identifier[]): Promise<Map<string, string>> {
    const { rows } = await tx.query<{ identifier_type: string; value: string; profile_id: string }>(
      `SELECT i.identifier_type, i.value, i.profile_id
         FROM unnest($1::text[], $2::text[]) AS k(identifier_type, value)
         CROSS JOIN LATERAL (${PRIMARY_KEY_PROBE('identifiers', 'identifier_type, value, profile_id')}) i`,
      [identifiers.map((i) => i.type), identifiers.map((i) => i.value)],
    );
    return new Map(rows.map((row) => [identifierKey({ type: row.identifier_type, value: row.value }), row.profile_id]));
  }

  /** Age, per-type counts of the limited types only (unlimited anonymous ids are never counted), and user_ids. */
  private async readProfiles(tx: SqlExecutor, profileIds: readonly string[], rules: RuleBook): Promise<ProfileState[]> {
    if (profileIds.length === 0) return [];
    const limitedTypes = rules
      .rules()
      .filter((rule) => rule.maxPerProfile !== null && rule.identifierType !== '*')
      .map((rule) => rule.identifierType);
    if (!limitedTypes.includes('user_id')) limitedTypes.push('user_id');
    const { rows: profiles } = await tx.query<{ profile_id: string; created_at: Date }>(
      'SELECT profile_id, created_at FROM profiles WHERE profile_id = ANY($1::uuid[])',
      [profileIds],
    );
    const states = new Map<string, ProfileState>(
      profiles.map((row) => [
        row.profile_id,
        { id: row.profile_id, createdAt: row.created_at.getTime(), counts: new Map(), userIds: new Set(), separatedFrom: new Set() },
      ]),
    );
    const { rows: separations } = await tx.query<{ profile_id: string; other: string }>(
      `SELECT s.profile_id, coalesce(p.merged_into, s.other_profile_id) AS other
         FROM profile_separations s LEFT JOIN profiles p ON p.profile_id = s.other_profile_id
        WHERE s.profile_id = ANY($1::uuid[])`,
      [profileIds],
    );
    for (const row of separations) states.get(row.profile_id)?.separatedFrom.add(row.other);
    const { rows: counts } = await tx.query<{ profile_id: string; identifier_type: string; n: number; user_ids: string[] | null }>(
      `SELECT profile_id, identifier_type, count(*)::int AS n,
              array_agg(value) FILTER (WHERE identifier_type = 'user_id') AS user_ids
         FROM identifiers
        WHERE profile_id = ANY($1::uuid[]) AND identifier_type = ANY($2::text[])
        GROUP BY profile_id, identifier_type`,
      [profileIds, limitedTypes],
    );
    for (const row of counts) {
      const state = states.get(row.profile_id);
      if (!state) continue;
      state.counts.set(row.identifier_type, row.n);
      for (const userId of row.user_ids ?? []) state.userIds.add(userId);
    }
    return [...states.values()];
  }

  private async loadSharedValueGuard(tx: SqlExecutor, graph: IdentityGraph, guarded: readonly Identifier[]): Promise<void> {
    if (guarded.length === 0) return;
    const params = [guarded.map((i) => i.type), guarded.map((i) => i.value)];
    const { rows: suspects } = await tx.query<{ identifier_type: string; value: string }>(
      `SELECT s.identifier_type, s.value FROM unnest($1::text[], $2::text[]) AS k(identifier_type, value)
         CROSS JOIN LATERAL (${PRIMARY_KEY_PROBE('suspect_values', 'identifier_type, value')}) s`,
      params,
    );
    for (const row of suspects) graph.loadSuspect({ type: row.identifier_type, value: row.value });
    // Suspect values never link again, so their (possibly long) user lists are not needed.
    const { rows: links } = await tx.query<{ identifier_type: string; value: string; user_ids: string[] }>(
      `SELECT k.identifier_type, k.value, u.user_ids
         FROM unnest($1::text[], $2::text[]) AS k(identifier_type, value)
         CROSS JOIN LATERAL (
           SELECT array_agg(x.user_id) AS user_ids FROM identifier_user_ids x WHERE x.identifier_type = k.identifier_type AND x.value = k.value
         ) u
        WHERE u.user_ids IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM suspect_values s WHERE s.identifier_type = k.identifier_type AND s.value = k.value)`,
      params,
    );
    for (const row of links) graph.loadUserLinks({ type: row.identifier_type, value: row.value }, row.user_ids);
  }

  private async run(tx: SqlExecutor, query: { text: string; values: unknown[] }): Promise<void> {
    await tx.query(query.text, query.values);
  }
}
