import type { IdentityChangeInput, ResolvedItemInput, ValidEvent, ValidRecord } from '@tessera/contracts';
import type { Identifier } from '../resolution/identifier';
import type { MergeDecision, Resolution } from '../resolution/resolution';

export type ResolverInput = { kind: 'event'; value: ValidEvent } | { kind: 'record'; value: ValidRecord };

const plain = ({ type, value }: Identifier) => ({ type, value });

/** The cdp.events.resolved payload of one item, attributed to profileId. */
export function toResolvedItem(input: ResolverInput, resolution: Resolution, profileId: string, resolvedAt: number): ResolvedItemInput {
  const common = {
    profileId,
    messageId: input.value.messageId,
    sourceId: input.value.sourceId,
    identifiers: resolution.linked.map(plain),
    droppedIdentifiers: resolution.dropped.map(({ type, value, reason }) => ({ type, value, reason })),
    resolvedAt,
  };
  if (input.kind === 'record') {
    const r = input.value;
    return {
      ...common,
      kind: 'record',
      occurredAt: r.observedAt,
      record: {
        objectType: r.objectType,
        recordId: r.recordId,
        mapping: r.mapping,
        attributes: r.attributes,
        receivedAt: r.receivedAt,
        isTest: r.isTest,
        origin: r.origin,
      },
    };
  }
  const e = input.value;
  return {
    ...common,
    kind: 'event',
    occurredAt: e.timestamp,
    event: {
      type: e.type,
      userId: e.userId,
      anonymousId: e.anonymousId,
      event: e.event,
      name: e.name,
      category: e.category,
      groupId: e.groupId,
      previousId: e.previousId,
      originalTimestamp: e.originalTimestamp,
      sentAt: e.sentAt,
      receivedAt: e.receivedAt,
      properties: e.properties,
      traits: e.traits,
      context: e.context,
      integrations: e.integrations,
      revenue: e.revenue,
      currency: e.currency,
      isTest: e.isTest,
      commerce: e.commerce,
    },
  };
}

/** The cdp.identity.merges payload of one merge decision. */
export function toMergeChange(merge: MergeDecision, changeId: string, causingMessageId: string, at: number): IdentityChangeInput {
  return {
    changeId,
    kind: 'merge',
    survivorProfileId: merge.survivorProfileId,
    absorbedProfileId: merge.absorbedProfileId,
    rule: merge.rule,
    causingMessageId,
    identifiers: merge.identifiers.map(plain),
    movedMessageIds: [],
    movedItems: [],
    detail: null,
    at,
  };
}
