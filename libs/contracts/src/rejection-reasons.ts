import { CDP_EVENTS_REJECTED_VERSIONS, type RejectionReason } from './generated';

interface EnumField {
  name: string;
  type: { symbols?: readonly string[] };
}

/**
 * Every reason a rejection can carry: the newest cdp.events.rejected's enum (compatible versions only add symbols).
 * APIs that filter rejections by reason check against it, because a misspelt reason would otherwise match nothing and
 * look like "no rejections".
 */
export const REJECTION_REASONS: readonly RejectionReason[] = (() => {
  const newest = CDP_EVENTS_REJECTED_VERSIONS[CDP_EVENTS_REJECTED_VERSIONS.length - 1]!.schema as { fields: EnumField[] };
  return newest.fields.find((f) => f.name === 'reason')!.type.symbols as readonly RejectionReason[];
})();
