import { tryDecode } from './codec';
import type { Rejection } from './generated';
import { Topics } from './topics';

export interface RejectedOrigin {
  connectionId: string;
  runId: string;
  stream: string;
  rowKey: string;
}

/**
 * The connector origin a rejected record carried: read from its original bytes, which are a RawRecord or a
 * ValidRecord when the rejection came from either records topic (any service's DLQ). Undecodable bytes, events and
 * records sent over POST /v1/records have none. Validation files rejections under it; connectors count them per run.
 */
export function rejectedOrigin(rejection: Pick<Rejection, 'original'>): RejectedOrigin | null {
  const { topic, value } = rejection.original;
  if (topic !== Topics.RecordsRaw && topic !== Topics.RecordsValid) return null;
  const decoded = tryDecode(topic, value);
  if (!decoded.ok || !decoded.value.origin) return null;
  const { connectionId, runId, stream, rowKey } = decoded.value.origin;
  return { connectionId, runId, stream, rowKey };
}
