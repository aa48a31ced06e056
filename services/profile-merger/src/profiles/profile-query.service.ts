import { Inject, Injectable } from '@nestjs/common';
import type { SqlExecutor } from '@tessera/kafka';
import { withPgTransaction, type Pool } from '@tessera/persistence';
import { SERVICE_PG_POOL } from '@tessera/service-kit';
import { PREVIOUS_USER_ID } from '../storage/renamed-user-ids';
import { groupsOfProfile, type GroupMembershipView } from '../storage/group-membership-reader';
import { loadProfileSnapshots, touchFromRow, type ProfileSnapshot, type TouchRow } from '../storage/profile-snapshot';
import { decode, Topics } from '@tessera/contracts';
import { loadMoneyContext } from '../storage/money-context-reader';
import type { MoneyContext } from '../survivorship/lifetime-value';
import type { CampaignTouch } from '../survivorship/profile-state';
import type { ItemOrigin } from '../survivorship/provenance';
import { encodeTimelineCursor, type TimelinePosition } from './timeline-cursor';
import { timelineEntryOf } from './timeline-entry.mapper';

export interface TimelineEntry {
  messageId: string;
  occurredAt: string;
  kind: string;
  type: string | null;
  name: string | null;
  sourceId: string;
  properties: unknown;
  /** A connector record's connection, run, stream and source row key; null otherwise. */
  origin: ItemOrigin | null;
}

const TIMELINE_SELECT = 'SELECT payload, occurred_at_ms, message_id, source_id FROM profile_items WHERE profile_id = $1';
const TIMELINE_ORDER = 'ORDER BY occurred_at_ms DESC, message_id DESC, source_id DESC LIMIT $2';

/** Read side of the HTTP API: redirects followed, whole profiles read by primary-key prefixes. */
@Injectable()
export class ProfileQueryService {
  constructor(@Inject(SERVICE_PG_POOL) private readonly pool: Pool) {}

  /**
   * The profile that holds this id's data now (itself, or the survivor it was merged into); null if unknown. A
   * row with neither items nor identifiers is only a lock placeholder; a split that moved identifiers alone
   * leaves a profile with identifiers and no items, which is known.
   */
  async currentProfileId(profileId: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ profile_id: string }>(
      `SELECT COALESCE((SELECT survivor_id FROM profile_redirects WHERE absorbed_id = $1),
                       (SELECT profile_id FROM profiles p WHERE p.profile_id = $1
                           AND (p.item_count > 0 OR EXISTS (SELECT 1 FROM profile_identifiers i WHERE i.profile_id = $1)))) AS profile_id`,
      [profileId],
    );
    return rows[0]?.profile_id ?? null;
  }

  /** A user_id an alias renamed is held as previous_user_id: the lookup by the old user_id finds it there. */
  async profileByIdentifier(type: string, value: string): Promise<string | null> {
    const types = type === 'user_id' ? [type, PREVIOUS_USER_ID] : [type];
    const { rows } = await this.pool.query<{ profile_id: string }>(
      'SELECT profile_id FROM profile_identifiers WHERE id_type = ANY($1::text[]) AND id_value = $2 ORDER BY id_type = $3 DESC LIMIT 1',
      [types, value, type],
    );
    const owner = rows[0]?.profile_id;
    return owner ? this.currentProfileId(owner) : null;
  }

  /**
   * The profile, its newest campaign touches and the currency rates as of one moment (lifetime value is converted
   * at read time, so a rate change shows on the next read). The reads share one REPEATABLE READ
   * transaction: on separate pooled connections, a slice committing between them showed half of itself (the
   * item count from before it, the counters from after).
   */
  async document(
    profileId: string,
    touchLimit: number,
  ): Promise<{ snapshot: ProfileSnapshot; touches: CampaignTouch[]; groups: GroupMembershipView[]; money: MoneyContext } | null> {
    return withPgTransaction(this.pool, async (client) => {
      await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const snapshot = (await loadProfileSnapshots(client, [profileId])).get(profileId);
      if (!snapshot) return null;
      return {
        snapshot,
        touches: await this.recentTouches(client, profileId, touchLimit),
        groups: await groupsOfProfile(client, profileId),
        money: await loadMoneyContext(client),
      };
    });
  }

  /** The newest campaign touches, newest first (an index range scan on profile_campaign_touches_by_time). */
  private async recentTouches(db: SqlExecutor, profileId: string, limit: number): Promise<CampaignTouch[]> {
    const { rows } = await db.query<TouchRow>(
      'SELECT * FROM profile_campaign_touches WHERE profile_id = $1 ORDER BY occurred_at_ms DESC, message_id DESC, source_id DESC LIMIT $2',
      [profileId, limit],
    );
    return rows.map(touchFromRow);
  }

  /**
   * A page of logged items, newest first, after `before` when given: an index range scan on
   * profile_items_timeline_idx. One row more than the page says whether another page follows.
   */
  async timeline(profileId: string, limit: number, before?: TimelinePosition): Promise<{ events: TimelineEntry[]; next: string | null }> {
    // Two statements rather than an `IS NULL OR`, so a later page starts its index scan at the cursor.
    const { rows } = await this.pool.query<{ payload: Buffer; occurred_at_ms: string; message_id: string; source_id: string }>(
      before
        ? `${TIMELINE_SELECT} AND (occurred_at_ms, message_id, source_id) < ($3::bigint, $4::text, $5::text) ${TIMELINE_ORDER}`
        : `${TIMELINE_SELECT} ${TIMELINE_ORDER}`,
      before ? [profileId, limit + 1, before.occurredAtMs, before.messageId, before.sourceId] : [profileId, limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const next =
      rows.length > limit
        ? encodeTimelineCursor({ occurredAtMs: Number(last.occurred_at_ms), messageId: last.message_id, sourceId: last.source_id })
        : null;
    return { events: page.map((row) => timelineEntryOf(decode(Topics.EventsResolved, row.payload))), next };
  }
}
