import type { ResolvedItem } from '@tessera/contracts';
import type { SqlExecutor } from '@tessera/kafka';
import { buildUnnestInsert } from '@tessera/persistence';
import { runQuery } from './run-query';
import { parseJsonObject } from '../survivorship/item-context';

/** Per profile, the timeline keeps only this many newest items, so the table stays bounded. */
export const RECENT_EVENTS_PER_PROFILE = 100;
/** Bigger payloads are not copied into the timeline (it is a preview, not an event store). */
const MAX_PAYLOAD_CHARS = 4096;

function payloadOf(item: ResolvedItem): unknown {
  const text = item.event ? (item.event.type === 'identify' ? item.event.traits : item.event.properties) : item.record?.attributes;
  if (!text) return null;
  if (text.length > MAX_PAYLOAD_CHARS) return { truncated: true, chars: text.length };
  return parseJsonObject(text);
}

/** The bounded recent-events timeline (GET /v1/profiles/:id/events). */
export class RecentEventsWriter {
  async append(tx: SqlExecutor, items: ReadonlyArray<{ profileId: string; item: ResolvedItem }>): Promise<void> {
    if (items.length === 0) return;
    const rows = items.map(({ profileId, item }) => ({
      profile_id: profileId,
      occurred_at_ms: item.occurredAt,
      message_id: item.messageId,
      kind: item.kind,
      event_type: item.event?.type ?? null,
      event_name: item.event ? (item.event.event ?? item.event.name) : (item.record?.objectType ?? null),
      source_id: item.sourceId,
      properties: payloadOf(item),
    }));
    await runQuery(tx,
      buildUnnestInsert({
        table: 'profile_recent_events',
        columns: [
          { name: 'profile_id', type: 'text' }, { name: 'occurred_at_ms', type: 'bigint' }, { name: 'message_id', type: 'text' }, { name: 'kind', type: 'text' },
          { name: 'event_type', type: 'text' }, { name: 'event_name', type: 'text' }, { name: 'source_id', type: 'text' }, { name: 'properties', type: 'jsonb' },
        ],
        rows,
        onConflict: { target: ['profile_id', 'occurred_at_ms', 'message_id'], action: 'nothing' },
      }),
    );
    await this.trim(tx, [...new Set(rows.map((row) => row.profile_id))]);
  }

  async trim(tx: SqlExecutor, profileIds: readonly string[]): Promise<void> {
    await tx.query(
      `DELETE FROM profile_recent_events e USING (
         SELECT profile_id, occurred_at_ms, message_id FROM (
           SELECT profile_id, occurred_at_ms, message_id,
                  row_number() OVER (PARTITION BY profile_id ORDER BY occurred_at_ms DESC, message_id DESC) AS position
           FROM profile_recent_events WHERE profile_id = ANY($1::text[])) ranked
         WHERE position > $2) old
       WHERE e.profile_id = old.profile_id AND e.occurred_at_ms = old.occurred_at_ms AND e.message_id = old.message_id`,
      [profileIds, RECENT_EVENTS_PER_PROFILE],
    );
  }
}
