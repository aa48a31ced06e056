import type { RawEvent, RawRecord } from '@tessera/contracts';
import type { RejectedItemInfo } from '@tessera/kafka';

/** What a rejection says about the item, so the rejections API can filter by source and replays keep the messageId. */
export function aboutEvent(raw: Pick<RawEvent, 'sourceId' | 'messageId'>): RejectedItemInfo {
  return { itemKind: 'event', sourceId: raw.sourceId, messageId: raw.messageId };
}

export function aboutRecord(raw: Pick<RawRecord, 'sourceId' | 'messageId'>): RejectedItemInfo {
  return { itemKind: 'record', sourceId: raw.sourceId, messageId: raw.messageId };
}
