import { Inject, Injectable } from '@nestjs/common';
import type { ResolvedItem } from '@tessera/contracts';
import type { SqlExecutor } from '@tessera/kafka';
import { SEGMENT_SETTINGS, type SegmentSettings } from '../config/segment-settings';
import { historyHorizon } from '../rules';
import { combine, fireOverdue } from './overdue-profiles';
import { evaluateProfiles, type EvaluationOutcome } from './profile-evaluation';
import { lockProfiles } from './profile-store';
import { redirectSplitItems } from '../splits/split-moved-items';
import type { SegmentCatalog } from './segment-catalog';
import { arrayLiteral } from '@tessera/persistence';

/** The name event conditions use: a track event's name; other calls as `$page`, `$screen`, `$identify`, ... */
export function historyEventName(item: ResolvedItem): string | null {
  const event = item.event;
  if (!event) return null;
  return event.type === 'track' ? event.event : `$${event.type}`;
}

/** An order's or a refund's key in the history (one occurrence per key), from validation's commerce facts. */
export function historyOrderKey(item: ResolvedItem): string | null {
  const commerce = item.event?.commerce;
  return commerce && commerce.kind !== 'other' && commerce.orderId ? `${commerce.kind}:${commerce.orderId}` : null;
}

/**
 * The properties to keep: the event's own, plus the `currency` validation gave an order from its source's default
 * currency, so a computed trait or a filter by currency counts that order as the lifetime value does. Parsed only
 * for such orders, which are few.
 */
export function historyProperties(item: ResolvedItem): string {
  const properties = item.event?.properties ?? '{}';
  const commerce = item.event?.commerce;
  if (commerce?.currencyOrigin !== 'source_default' || !commerce.currency) return properties;
  const parsed = JSON.parse(properties) as Record<string, unknown>;
  if (parsed.currency !== undefined && parsed.currency !== null) return properties;
  return JSON.stringify({ ...parsed, currency: commerce.currency });
}

/**
 * Adds resolved events to the history (test events and records never count; events older than the history are
 * not kept) and re-decides the segments whose rules name one of the new events. An item attributed to an id that
 * has since been absorbed goes to its survivor, one a split gave to another profile to that profile. A replayed
 * message id is not added twice.
 */
@Injectable()
export class ResolvedEventsApplier {
  constructor(@Inject(SEGMENT_SETTINGS) private readonly settings: SegmentSettings) {}

  async apply(
    tx: SqlExecutor,
    loadCatalog: () => Promise<SegmentCatalog>,
    items: readonly ResolvedItem[],
    now: number,
  ): Promise<EvaluationOutcome> {
    const horizon = historyHorizon(now, this.settings.eventHistoryDays);
    const events = items.flatMap((item) => {
      const name = historyEventName(item);
      if (!name || item.kind !== 'event' || item.event?.isTest || item.occurredAt < horizon) return [];
      return [
        {
          profileId: item.profileId,
          messageId: item.messageId,
          sourceId: item.sourceId,
          name,
          at: item.occurredAt,
          properties: historyProperties(item),
          orderKey: historyOrderKey(item),
        },
      ];
    });
    if (events.length === 0) return { messages: [], flips: [] };
    await redirectSplitItems(tx, events);
    let rows = await lockProfiles(
      tx,
      events.map((e) => e.profileId),
    );
    const redirect = new Map(
      [...rows.values()].filter((r) => r.status === 'merged' && r.mergedInto).map((r) => [r.profileId, r.mergedInto as string]),
    );
    if (redirect.size > 0) rows = new Map([...rows, ...(await lockProfiles(tx, [...redirect.values()]))]);
    for (const e of events) e.profileId = redirect.get(e.profileId) ?? e.profileId;
    const catalog = await loadCatalog();
    // time-driven changes the scheduler has not fired yet come first, decided before these events existed
    const overdue = await fireOverdue(tx, catalog, rows, now);

    const inserted = await tx.query<{ profile_id: string; name: string }>(
      `INSERT INTO profile_events (profile_id, message_id, name, at_ms, properties, source_id, order_key)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::jsonb[], $6::text[], $7::text[])
       ON CONFLICT (profile_id, message_id) DO NOTHING RETURNING profile_id, name`,
      [
        events.map((e) => e.profileId),
        events.map((e) => e.messageId),
        events.map((e) => e.name),
        events.map((e) => e.at),
        events.map((e) => e.properties),
        events.map((e) => e.sourceId),
        events.map((e) => e.orderKey),
      ].map((column) => arrayLiteral(column, 'plain')),
    );
    const ids = [...new Set(events.map((e) => e.profileId))];
    await tx.query('DELETE FROM profile_events WHERE profile_id = ANY($1::text[]) AND at_ms < $2', [arrayLiteral(ids, 'plain'), horizon]);
    const names = new Map<string, Set<string>>();
    for (const r of inserted.rows) names.set(r.profile_id, (names.get(r.profile_id) ?? new Set()).add(r.name));
    const requests = [...names].flatMap(([id, set]) => {
      const profile = rows.get(id);
      return profile && profile.status === 'active'
        ? [{ profile, scope: catalog.index.affected({ events: set }), at: now, computed: set }]
        : [];
    });
    return combine(overdue, await evaluateProfiles(tx, catalog, requests));
  }
}
