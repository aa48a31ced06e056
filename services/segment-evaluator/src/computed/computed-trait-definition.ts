import { DEFAULT_EVENT_HISTORY_DAYS } from '../rules/event-history';

export const COMPUTED_AGGREGATES = ['count', 'sum', 'min', 'max', 'avg', 'most_frequent', 'first', 'last'] as const;
export type ComputedAggregate = (typeof COMPUTED_AGGREGATES)[number];

/** "ever" means the whole history the evaluator keeps (SEGMENTS_EVENT_HISTORY_DAYS), not the profile's lifetime. */
export type ComputedWindow = { days: number } | 'ever';

/**
 * A computed trait as the admin API takes it, e.g.
 * `{ "key": "orders_30d", "event": "Order Completed", "aggregate": "count", "window": { "days": 30 } }`.
 * `property` names an event property, a dotted path reaching nested ones (the rules' `propertyAt`); it is required for every aggregate but `count`, and refused on it.
 * `currency` (ISO 4217, as validation writes `properties.currency`) counts only the occurrences in that currency.
 */
export type ComputedTraitDefinition = {
  key: string;
  event: string;
  aggregate: ComputedAggregate;
  property?: string;
  currency?: string;
  window: ComputedWindow;
  description?: string;
};

/**
 * Segment's e-commerce amounts: a sum, average, minimum or maximum of one of them over orders in several currencies
 * would add euros to yen, so such a definition must name its currency (the lifetime value across currencies is the
 * merger's `revenue_total`, converted at its rate table).
 */
export const MONEY_PROPERTIES: ReadonlySet<string> = new Set([
  'revenue',
  'total',
  'subtotal',
  'value',
  'price',
  'shipping',
  'tax',
  'discount',
]);
export const NUMERIC_AGGREGATES: ReadonlySet<ComputedAggregate> = new Set(['sum', 'min', 'max', 'avg']);

export const DEFAULT_MAX_WINDOW_DAYS = DEFAULT_EVENT_HISTORY_DAYS;

/** The JSON Schema of a definition; windows are capped at the history the evaluator keeps, or they would lie. */
export function computedTraitDefinitionSchema(maxWindowDays: number = DEFAULT_MAX_WINDOW_DAYS): object {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['key', 'event', 'aggregate', 'window'],
    properties: {
      key: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,62}$' },
      event: { type: 'string', minLength: 1, maxLength: 200 },
      aggregate: { enum: [...COMPUTED_AGGREGATES] },
      property: { type: 'string', minLength: 1, maxLength: 200 },
      currency: { type: 'string', pattern: '^[A-Z]{3}$' },
      window: {
        oneOf: [
          { const: 'ever' },
          {
            type: 'object',
            additionalProperties: false,
            required: ['days'],
            properties: { days: { type: 'integer', minimum: 1, maximum: maxWindowDays } },
          },
        ],
      },
      description: { type: 'string', maxLength: 1000 },
    },
    if: { properties: { aggregate: { const: 'count' } } },
    then: { properties: { property: false } },
    else: { required: ['property'] },
  };
}

/** "ever" is the whole kept history, read as a window so the value never depends on when the evaluator trims. */
export function windowDaysOf(window: ComputedWindow, historyDays: number = DEFAULT_MAX_WINDOW_DAYS): number {
  return window === 'ever' ? historyDays : window.days;
}
