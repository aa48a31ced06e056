import type { ResolvedItem } from '@tessera/contracts';
import { parseJsonObject } from '../survivorship/item-context';
import type { TimelineEntry } from './profile-query.service';

/** The most a timeline request may ask for; the item log itself keeps every item. */
export const MAX_TIMELINE_LIMIT = 100;
/** Bigger payloads are not shown in the timeline (it is a preview, not an event export). */
const MAX_PAYLOAD_CHARS = 4096;

function payloadOf(item: ResolvedItem): unknown {
  const text = item.event ? (item.event.type === 'identify' ? item.event.traits : item.event.properties) : item.record?.attributes;
  if (!text) return null;
  if (text.length > MAX_PAYLOAD_CHARS) return { truncated: true, chars: text.length };
  return parseJsonObject(text);
}

/** A logged item as GET /v1/profiles/:id/events shows it. */
export function timelineEntryOf(item: ResolvedItem): TimelineEntry {
  return {
    messageId: item.messageId,
    occurredAt: new Date(item.occurredAt).toISOString(),
    kind: item.kind,
    type: item.event?.type ?? null,
    name: item.event ? (item.event.event ?? item.event.name) : (item.record?.objectType ?? null),
    sourceId: item.sourceId,
    properties: payloadOf(item),
    origin: item.record?.origin ? { ...item.record.origin } : null,
  };
}
