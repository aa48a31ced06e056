import type { SqlExecutor } from '@tessera/kafka';
import { runQuery } from '../database/run-query';
import { buildUnnestUpdate, PREFER_INDEX_PLANS } from '@tessera/persistence';
import type { ProfileState } from './profile-state';

type ProfileRecord = {
  profile_id: string;
  version: string;
  status: 'active' | 'merged';
  merged_into: string | null;
  traits: Record<string, unknown>;
  identifiers: Record<string, string[]>;
  consent: Record<string, boolean>;
  computed: Record<string, unknown>;
  is_test: boolean;
};

const PROFILE_COLUMNS = 'profile_id, version, status, merged_into, traits, identifiers, consent, computed, is_test';

/**
 * Row-locks the profiles (creating empty rows for ids not seen yet) in id order, for the rest of the transaction.
 * Every path that decides what to send about a profile (the consumer, suppressions, mirrors) takes this lock first,
 * so two decisions about one profile never interleave and `sync_members` stays true to what was enqueued.
 *
 * One round trip when every profile exists (the steady state): the INSERT of the missing ones and the lock of the
 * rest are one statement. That statement's SELECT does not see rows its own INSERT (or a transaction that committed
 * while it waited on a conflict) created, so ids it did not return are locked and read in a second one. It also turns
 * index plans on for the rest of the transaction (@tessera/persistence's preferIndexPlans, without a round trip of
 * its own; see PREFER_INDEX_PLANS).
 */
export async function lockProfiles(tx: SqlExecutor, ids: Iterable<string>): Promise<Map<string, ProfileState>> {
  const sorted = [...new Set(ids)].sort();
  if (sorted.length === 0) return new Map();
  const { rows } = await tx.query<ProfileRecord>(
    `WITH plans AS MATERIALIZED (SELECT ${PREFER_INDEX_PLANS}),
     created AS (
       INSERT INTO profiles (profile_id) SELECT unnest($1::text[]) FROM plans ON CONFLICT (profile_id) DO NOTHING)
     SELECT ${PROFILE_COLUMNS} FROM profiles WHERE profile_id = ANY($1::text[]) ORDER BY profile_id FOR UPDATE`,
    [sorted],
  );
  const seen = new Set(rows.map((r) => r.profile_id));
  const unseen = sorted.filter((id) => !seen.has(id));
  if (unseen.length > 0) {
    const more = await tx.query<ProfileRecord>(
      `SELECT ${PROFILE_COLUMNS} FROM profiles WHERE profile_id = ANY($1::text[]) ORDER BY profile_id FOR UPDATE`,
      [unseen],
    );
    rows.push(...more.rows);
    rows.sort((a, b) => (a.profile_id < b.profile_id ? -1 : a.profile_id > b.profile_id ? 1 : 0));
  }
  return new Map(
    rows.map((r) => [
      r.profile_id,
      {
        profileId: r.profile_id,
        version: Number(r.version),
        status: r.status,
        mergedInto: r.merged_into,
        traits: r.traits,
        identifiers: r.identifiers,
        consent: r.consent,
        computed: r.computed,
        isTest: r.is_test,
      },
    ]),
  );
}

export async function storeProfiles(tx: SqlExecutor, profiles: readonly ProfileState[]): Promise<void> {
  if (profiles.length === 0) return;
  await runQuery(
    tx,
    buildUnnestUpdate({
      table: 'profiles',
      key: [{ name: 'profile_id', type: 'text' }],
      columns: [
        { name: 'version', type: 'bigint' },
        { name: 'status', type: 'text' },
        { name: 'merged_into', type: 'text' },
        { name: 'traits', type: 'jsonb' },
        { name: 'identifiers', type: 'jsonb' },
        { name: 'consent', type: 'jsonb' },
        { name: 'computed', type: 'jsonb' },
        { name: 'is_test', type: 'boolean' },
      ],
      rows: profiles.map((p) => ({
        profile_id: p.profileId,
        version: p.version,
        status: p.status,
        merged_into: p.mergedInto,
        traits: p.traits,
        identifiers: p.identifiers,
        consent: p.consent,
        computed: p.computed,
        is_test: p.isTest,
      })),
    }),
  );
}
