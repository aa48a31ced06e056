import type { ResolvedItem } from '@tessera/contracts';

/** Test builders for resolved items (not shipped code: only specs and bench/profile-merger import this). */
export function identifyItem(opts: { messageId: string; sourceId: string; at: number; traits: Record<string, unknown>; profileId?: string; context?: object }): ResolvedItem {
  return {
    profileId: opts.profileId ?? 'p-1', kind: 'event', messageId: opts.messageId, sourceId: opts.sourceId, occurredAt: opts.at,
    identifiers: [], droppedIdentifiers: [], resolvedAt: opts.at + 5, record: null,
    event: {
      type: 'identify', userId: 'u-1', anonymousId: null, event: null, name: null, category: null, groupId: null, previousId: null,
      originalTimestamp: null, sentAt: null, receivedAt: opts.at, properties: null, traits: JSON.stringify(opts.traits),
      context: opts.context ? JSON.stringify(opts.context) : null, integrations: null, revenue: null, currency: null, isTest: false,
    },
  };
}

export function trackItem(opts: { messageId: string; sourceId: string; at: number; event: string; properties?: Record<string, unknown>; revenue?: number | null; profileId?: string; context?: object }): ResolvedItem {
  return {
    profileId: opts.profileId ?? 'p-1', kind: 'event', messageId: opts.messageId, sourceId: opts.sourceId, occurredAt: opts.at,
    identifiers: [], droppedIdentifiers: [], resolvedAt: opts.at + 5, record: null,
    event: {
      type: 'track', userId: 'u-1', anonymousId: null, event: opts.event, name: null, category: null, groupId: null, previousId: null,
      originalTimestamp: null, sentAt: null, receivedAt: opts.at, properties: JSON.stringify(opts.properties ?? {}), traits: null,
      context: opts.context ? JSON.stringify(opts.context) : null, integrations: null, revenue: opts.revenue ?? null, currency: opts.revenue != null ? 'EUR' : null, isTest: false,
    },
  };
}

export function recordItem(opts: { messageId: string; sourceId: string; at: number; attributes: Record<string, unknown>; mapping: Record<string, string>; profileId?: string }): ResolvedItem {
  return {
    profileId: opts.profileId ?? 'p-1', kind: 'record', messageId: opts.messageId, sourceId: opts.sourceId, occurredAt: opts.at,
    identifiers: [], droppedIdentifiers: [], resolvedAt: opts.at + 5, event: null,
    record: { objectType: 'contact', recordId: `r-${opts.messageId}`, mapping: opts.mapping, attributes: JSON.stringify(opts.attributes), receivedAt: opts.at, isTest: false },
  };
}
