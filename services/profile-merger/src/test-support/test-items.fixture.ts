import type { ResolvedEventBody, ResolvedItem, ResolvedRecordOrigin } from '@tessera/contracts';

/** Test builders for resolved items (not shipped code: only specs and bench/profile-merger import this). */
export function identifyItem(opts: {
  messageId: string;
  sourceId: string;
  at: number;
  traits: Record<string, unknown>;
  profileId?: string;
  context?: object;
}): ResolvedItem {
  return {
    profileId: opts.profileId ?? 'p-1',
    kind: 'event',
    messageId: opts.messageId,
    sourceId: opts.sourceId,
    occurredAt: opts.at,
    identifiers: [],
    droppedIdentifiers: [],
    resolvedAt: opts.at + 5,
    record: null,
    event: {
      type: 'identify',
      userId: 'u-1',
      anonymousId: null,
      event: null,
      name: null,
      category: null,
      groupId: null,
      previousId: null,
      originalTimestamp: null,
      sentAt: null,
      receivedAt: opts.at,
      properties: null,
      traits: JSON.stringify(opts.traits),
      context: opts.context ? JSON.stringify(opts.context) : null,
      integrations: null,
      revenue: null,
      currency: null,
      isTest: false,
      commerce: null,
    },
  };
}

type Commerce = NonNullable<ResolvedEventBody['commerce']>;

/**
 * The commerce facts validation attaches with default source settings: Order Completed is an order, Order
 * Refunded a refund (order id from properties.order_id, amount from `revenue`, currency EUR).
 */
function defaultCommerce(event: string, revenue: number | null, properties: Record<string, unknown>): Commerce | null {
  const kind = event === 'Order Completed' ? 'order' : event === 'Order Refunded' ? 'refund' : null;
  if (!kind) return null;
  const orderId = typeof properties.order_id === 'string' ? properties.order_id : null;
  return { kind, orderId, amount: revenue, currency: 'EUR', currencyOrigin: 'event' };
}

export function trackItem(opts: {
  messageId: string;
  sourceId: string;
  at: number;
  event: string;
  properties?: Record<string, unknown>;
  revenue?: number | null;
  profileId?: string;
  context?: object;
  /** Overrides the facts validation would attach (null: an item from before validation attached any). */
  commerce?: Commerce | null;
  isTest?: boolean;
}): ResolvedItem {
  return {
    profileId: opts.profileId ?? 'p-1',
    kind: 'event',
    messageId: opts.messageId,
    sourceId: opts.sourceId,
    occurredAt: opts.at,
    identifiers: [],
    droppedIdentifiers: [],
    resolvedAt: opts.at + 5,
    record: null,
    event: {
      type: 'track',
      userId: 'u-1',
      anonymousId: null,
      event: opts.event,
      name: null,
      category: null,
      groupId: null,
      previousId: null,
      originalTimestamp: null,
      sentAt: null,
      receivedAt: opts.at,
      properties: JSON.stringify(opts.properties ?? {}),
      traits: null,
      context: opts.context ? JSON.stringify(opts.context) : null,
      integrations: null,
      revenue: opts.revenue ?? null,
      currency: opts.commerce?.currency ?? (opts.revenue != null ? 'EUR' : null),
      isTest: opts.isTest ?? false,
      commerce: opts.commerce === undefined ? defaultCommerce(opts.event, opts.revenue ?? null, opts.properties ?? {}) : opts.commerce,
    },
  };
}

export function recordItem(opts: {
  messageId: string;
  sourceId: string;
  at: number;
  attributes: Record<string, unknown>;
  mapping: Record<string, string>;
  profileId?: string;
  origin?: ResolvedRecordOrigin;
}): ResolvedItem {
  return {
    profileId: opts.profileId ?? 'p-1',
    kind: 'record',
    messageId: opts.messageId,
    sourceId: opts.sourceId,
    occurredAt: opts.at,
    identifiers: [],
    droppedIdentifiers: [],
    resolvedAt: opts.at + 5,
    event: null,
    record: {
      objectType: 'contact',
      recordId: `r-${opts.messageId}`,
      mapping: opts.mapping,
      attributes: JSON.stringify(opts.attributes),
      receivedAt: opts.at,
      isTest: false,
      origin: opts.origin ?? null,
    },
  };
}
