import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_PG_POOL } from '@tessera/service-kit';
import type { Pool } from 'pg';

export interface MemberView {
  profileId: string;
  enteredAt: string;
  segmentVersion: number;
  reason: string | null;
}

export interface ProfileSegmentsView {
  profileId: string;
  /** Set when the id was absorbed: its memberships are the survivor's (the absorbed id is in no segment). */
  mergedInto: string | null;
  memberships: Array<{ segmentId: string; segmentName: string | null; segmentVersion: number; enteredAt: string; reason: string | null }>;
  /** Computed traits by key and predictions by name, as last recomputed (`computedAt`); exact, as timers recompute at each change. */
  computedTraits: Record<string, unknown>;
  predictions: Record<string, unknown>;
  computedAt: string | null;
}

/** Read side of memberships: a segment's members (keyset pages by profile id) and a profile's memberships. */
@Injectable()
export class MembershipQueryService {
  constructor(@Inject(SERVICE_PG_POOL) private readonly pool: Pool) {}

  async members(segmentId: string, limit: number, after: string | null): Promise<{ members: MemberView[]; next: string | null }> {
    const { rows } = await this.pool.query<{ profile_id: string; entered_at_ms: string; segment_version: number; reason: string | null }>(
      `SELECT profile_id, entered_at_ms, segment_version, reason FROM memberships
        WHERE segment_id = $1 AND ($2::text IS NULL OR profile_id > $2) ORDER BY profile_id LIMIT $3`,
      [segmentId, after, limit + 1],
    );
    const page = rows.slice(0, limit);
    return {
      members: page.map((r) => ({
        profileId: r.profile_id,
        enteredAt: new Date(Number(r.entered_at_ms)).toISOString(),
        segmentVersion: r.segment_version,
        reason: r.reason,
      })),
      next: rows.length > limit ? page[page.length - 1].profile_id : null,
    };
  }

  async profileSegments(profileId: string): Promise<ProfileSegmentsView | null> {
    const profile = await this.pool.query<{ status: string; merged_into: string | null }>(
      'SELECT status, merged_into FROM profiles WHERE profile_id = $1',
      [profileId],
    );
    if (!profile.rowCount) return null;
    const { rows } = await this.pool.query<{
      segment_id: string;
      name: string | null;
      segment_version: number;
      entered_at_ms: string;
      reason: string | null;
    }>(
      `SELECT m.segment_id, d.name, m.segment_version, m.entered_at_ms, m.reason
         FROM memberships m LEFT JOIN segment_definitions d ON d.segment_id = m.segment_id
        WHERE m.profile_id = $1 ORDER BY m.entered_at_ms, m.segment_id`,
      [profileId],
    );
    const computed = await this.pool.query<{ vals: Record<string, unknown>; computed_at_ms: string }>(
      'SELECT vals, computed_at_ms FROM profile_computed_values WHERE profile_id = $1',
      [profileId],
    );
    const vals = computed.rows[0]?.vals ?? {};
    return {
      profileId,
      mergedInto: profile.rows[0].status === 'merged' ? profile.rows[0].merged_into : null,
      memberships: rows.map((r) => ({
        segmentId: r.segment_id,
        segmentName: r.name,
        segmentVersion: r.segment_version,
        enteredAt: new Date(Number(r.entered_at_ms)).toISOString(),
        reason: r.reason,
      })),
      computedTraits: withPrefix(vals, 'computed.'),
      predictions: withPrefix(vals, 'prediction.'),
      computedAt: computed.rows[0] ? new Date(Number(computed.rows[0].computed_at_ms)).toISOString() : null,
    };
  }
}

function withPrefix(values: Record<string, unknown>, prefix: string): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values)
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => [key.slice(prefix.length), value]),
  );
}
