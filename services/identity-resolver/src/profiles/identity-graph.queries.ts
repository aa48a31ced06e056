import { Injectable } from '@nestjs/common';
import type { SqlExecutor } from '@tessera/kafka';
import type { Identifier } from '../resolution/identifier';
import { PREVIOUS_USER_ID } from '../resolution/user-rename';

export interface ProfileRef {
  profileId: string;
  /** Set when the profile was absorbed: the live profile it now is. */
  mergedInto: string | null;
  createdAt: string;
}

export interface MergeLogEntry {
  changeId: string;
  kind: 'merge' | 'split' | 'alias';
  survivorProfileId: string;
  absorbedProfileId: string;
  rule: string;
  causingMessageId: string | null;
  identifiers: Identifier[];
  detail: string | null;
  at: string;
}

interface MergeLogRow {
  change_id: string;
  kind: 'merge' | 'split' | 'alias';
  survivor_profile_id: string;
  absorbed_profile_id: string;
  rule: string;
  causing_message_id: string | null;
  identifiers: Identifier[];
  detail: string | null;
  at: Date;
}

function toMergeLogEntry(row: MergeLogRow): MergeLogEntry {
  return {
    changeId: row.change_id,
    kind: row.kind,
    survivorProfileId: row.survivor_profile_id,
    absorbedProfileId: row.absorbed_profile_id,
    rule: row.rule,
    causingMessageId: row.causing_message_id,
    identifiers: row.identifiers,
    detail: row.detail,
    at: row.at.toISOString(),
  };
}

export interface IdentifierDecision {
  messageId: string;
  type: string;
  value: string;
  reason: string;
  at: string;
}

/** Read side of the identity graph for the HTTP API (no locks: a consistent snapshot per statement is enough). */
@Injectable()
export class IdentityGraphQueries {
  async profile(db: SqlExecutor, profileId: string): Promise<ProfileRef | undefined> {
    const { rows } = await db.query<{ profile_id: string; merged_into: string | null; created_at: Date }>(
      'SELECT profile_id, merged_into, created_at FROM profiles WHERE profile_id = $1',
      [profileId],
    );
    const row = rows[0];
    return row ? { profileId: row.profile_id, mergedInto: row.merged_into, createdAt: row.created_at.toISOString() } : undefined;
  }

  /**
   * The profile holding the identifier. A user_id renamed by an alias is held as previous_user_id: a lookup by
   * the old user_id finds it there (and says so in `heldAs`) unless another profile holds it as a user_id.
   */
  async lookup(
    db: SqlExecutor,
    identifier: Identifier,
  ): Promise<{ profileId: string; firstMessageId: string; linkedAt: string; heldAs?: Identifier } | undefined> {
    const types = identifier.type === 'user_id' ? ['user_id', PREVIOUS_USER_ID] : [identifier.type];
    const { rows } = await db.query<{ identifier_type: string; profile_id: string; first_message_id: string; created_at: Date }>(
      `SELECT identifier_type, profile_id, first_message_id, created_at FROM identifiers
        WHERE identifier_type = ANY($1::text[]) AND value = $2 ORDER BY identifier_type = $3 DESC LIMIT 1`,
      [types, identifier.value, identifier.type],
    );
    const row = rows[0];
    if (!row) return undefined;
    const found = { profileId: row.profile_id, firstMessageId: row.first_message_id, linkedAt: row.created_at.toISOString() };
    return row.identifier_type === identifier.type ? found : { ...found, heldAs: { type: row.identifier_type, value: identifier.value } };
  }

  async suspect(db: SqlExecutor, identifier: Identifier): Promise<{ distinctUserIds: number; flaggedAt: string } | undefined> {
    const { rows } = await db.query<{ distinct_user_ids: number; flagged_at: Date }>(
      'SELECT distinct_user_ids, flagged_at FROM suspect_values WHERE identifier_type = $1 AND value = $2',
      [identifier.type, identifier.value],
    );
    const row = rows[0];
    return row ? { distinctUserIds: row.distinct_user_ids, flaggedAt: row.flagged_at.toISOString() } : undefined;
  }

  async suspects(
    db: SqlExecutor,
    limit: number,
  ): Promise<Array<Identifier & { distinctUserIds: number; causingMessageId: string; flaggedAt: string }>> {
    const { rows } = await db.query<{
      identifier_type: string;
      value: string;
      distinct_user_ids: number;
      causing_message_id: string;
      flagged_at: Date;
    }>('SELECT * FROM suspect_values ORDER BY flagged_at DESC, identifier_type, value LIMIT $1', [limit]);
    return rows.map((row) => ({
      type: row.identifier_type,
      value: row.value,
      distinctUserIds: row.distinct_user_ids,
      causingMessageId: row.causing_message_id,
      flaggedAt: row.flagged_at.toISOString(),
    }));
  }

  async identifiers(
    db: SqlExecutor,
    profileId: string,
    limit: number,
  ): Promise<Array<Identifier & { firstMessageId: string; linkedAt: string }>> {
    const { rows } = await db.query<{ identifier_type: string; value: string; first_message_id: string; created_at: Date }>(
      `SELECT identifier_type, value, first_message_id, created_at FROM identifiers WHERE profile_id = $1
        ORDER BY identifier_type, value LIMIT $2`,
      [profileId, limit],
    );
    return rows.map((row) => ({
      type: row.identifier_type,
      value: row.value,
      firstMessageId: row.first_message_id,
      linkedAt: row.created_at.toISOString(),
    }));
  }

  /** Every merge that built this profile: into it, and (transitively) into the profiles it absorbed. */
  async mergeHistory(db: SqlExecutor, profileId: string, limit: number): Promise<MergeLogEntry[]> {
    return this.historyOfMembers(db, profileId, 'merge', limit);
  }

  /** Aliases that renamed a user_id of this profile, or of a profile it absorbed (kind 'alias'). */
  async aliases(db: SqlExecutor, profileId: string, limit: number): Promise<MergeLogEntry[]> {
    return this.historyOfMembers(db, profileId, 'alias', limit);
  }

  /** Merge-log entries of one kind about the profile and (transitively) the profiles merged into it. */
  private async historyOfMembers(db: SqlExecutor, profileId: string, kind: 'merge' | 'alias', limit: number): Promise<MergeLogEntry[]> {
    const { rows } = await db.query<MergeLogRow>(
      `WITH RECURSIVE members(profile_id) AS (
         SELECT $1::uuid
         UNION
         SELECT m.absorbed_profile_id FROM merge_log m JOIN members ON m.survivor_profile_id = members.profile_id WHERE m.kind = 'merge'
       )
       SELECT m.* FROM merge_log m
        WHERE m.kind = $3 AND m.survivor_profile_id IN (SELECT profile_id FROM members)
        ORDER BY m.at, m.change_id
        LIMIT $2`,
      [profileId, limit, kind],
    );
    return rows.map(toMergeLogEntry);
  }

  /** Manual splits that took identifiers from, or created, this profile. */
  async splits(db: SqlExecutor, profileId: string, limit: number): Promise<MergeLogEntry[]> {
    const { rows } = await db.query<MergeLogRow>(
      `SELECT * FROM merge_log WHERE kind = 'split' AND (survivor_profile_id = $1 OR absorbed_profile_id = $1) ORDER BY at, change_id LIMIT $2`,
      [profileId, limit],
    );
    return rows.map(toMergeLogEntry);
  }

  async decisions(db: SqlExecutor, profileId: string, limit: number): Promise<IdentifierDecision[]> {
    const { rows } = await db.query<{ message_id: string; identifier_type: string; value: string; reason: string; at: Date }>(
      `SELECT message_id, identifier_type, value, reason, at FROM identifier_decisions WHERE profile_id = $1 ORDER BY at DESC, decision_id DESC LIMIT $2`,
      [profileId, limit],
    );
    return rows.map((row) => ({
      messageId: row.message_id,
      type: row.identifier_type,
      value: row.value,
      reason: row.reason,
      at: row.at.toISOString(),
    }));
  }
}
