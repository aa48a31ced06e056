import type { SqlExecutor } from '@tessera/kafka';

const iso = (ms: string | number | null): string | null => (ms === null ? null : new Date(Number(ms)).toISOString());

/** A profile's membership of a group as the profile document shows it. */
export interface GroupMembershipView {
  groupId: string;
  /** The group's latest traits, from any member's group call (null: no group call carried traits). */
  traits: Record<string, unknown> | null;
  traitsUpdatedAt: string | null;
  firstSeen: string | null;
  lastSeen: string | null;
}

/** An account (group) and its member profiles. */
export interface AccountView {
  groupId: string;
  traits: Record<string, unknown> | null;
  traitsUpdatedAt: string | null;
  traitsMessageId: string | null;
  firstSeen: string | null;
  lastSeen: string | null;
  memberCount: number;
  /** Most recently seen first. */
  members: Array<{ profileId: string; firstSeen: string | null; lastSeen: string | null }>;
}

/** The newest traits of a group over its members: one probe of profile_groups_group_idx. */
const LATEST_TRAITS = (group: string) => `SELECT x.traits, x.traits_at_ms, x.traits_message_id FROM profile_groups x
  WHERE x.group_id = ${group} AND x.traits_at_ms IS NOT NULL
  ORDER BY x.traits_at_ms DESC NULLS LAST, x.traits_message_id DESC, x.traits_source_id DESC LIMIT 1`;

interface LatestRow {
  traits: Record<string, unknown> | null;
  traits_at_ms: string | null;
  traits_message_id: string | null;
}

/** Read side of group membership: by profile (profile document) and by group id (account lookup). */
export async function groupsOfProfile(db: SqlExecutor, profileId: string): Promise<GroupMembershipView[]> {
  const { rows } = await db.query<LatestRow & { group_id: string; first_seen_ms: string; last_seen_ms: string }>(
    `SELECT g.group_id, g.first_seen_ms, g.last_seen_ms, l.traits, l.traits_at_ms, l.traits_message_id
       FROM profile_groups g LEFT JOIN LATERAL (${LATEST_TRAITS('g.group_id')}) l ON true
      WHERE g.profile_id = $1 ORDER BY g.last_seen_ms DESC, g.group_id`,
    [profileId],
  );
  return rows.map((row) => ({
    groupId: row.group_id,
    traits: row.traits,
    traitsUpdatedAt: iso(row.traits_at_ms),
    firstSeen: iso(row.first_seen_ms),
    lastSeen: iso(row.last_seen_ms),
  }));
}

export async function accountOf(db: SqlExecutor, groupId: string, memberLimit: number): Promise<AccountView | null> {
  const { rows: summary } = await db.query<{ member_count: number; first_seen_ms: string | null; last_seen_ms: string | null }>(
    'SELECT count(*)::int AS member_count, min(first_seen_ms) AS first_seen_ms, max(last_seen_ms) AS last_seen_ms FROM profile_groups WHERE group_id = $1',
    [groupId],
  );
  if (!summary[0] || summary[0].member_count === 0) return null;
  const { rows: latest } = await db.query<LatestRow>(LATEST_TRAITS('$1'), [groupId]);
  const { rows: members } = await db.query<{ profile_id: string; first_seen_ms: string; last_seen_ms: string }>(
    'SELECT profile_id, first_seen_ms, last_seen_ms FROM profile_groups WHERE group_id = $1 ORDER BY last_seen_ms DESC, profile_id LIMIT $2',
    [groupId, memberLimit],
  );
  return {
    groupId,
    traits: latest[0]?.traits ?? null,
    traitsUpdatedAt: iso(latest[0]?.traits_at_ms ?? null),
    traitsMessageId: latest[0]?.traits_message_id ?? null,
    firstSeen: iso(summary[0].first_seen_ms),
    lastSeen: iso(summary[0].last_seen_ms),
    memberCount: summary[0].member_count,
    members: members.map((row) => ({ profileId: row.profile_id, firstSeen: iso(row.first_seen_ms), lastSeen: iso(row.last_seen_ms) })),
  };
}
