/** A rule that labels matching traffic as test (besides context.test). `path` is dotted over the event. */
export interface TestTrafficRule {
  path: string;
  /** Matches when the value at path equals this (compared as strings, so true matches "true"). */
  equals?: string | number | boolean;
  /** Matches when the value at path is a string matching this regular expression. */
  pattern?: string;
}

export interface SourceSettingsBody {
  /** ISO 3166-1 alpha-2 region used to read phone numbers without a +country prefix. */
  defaultRegion?: string | null;
  testRules?: TestTrafficRule[];
  /** Track event names that are orders (Segment e-commerce spec); absent or null: ["Order Completed"]. */
  orderEvents?: string[] | null;
  /** ISO 4217 currency of this source's orders that carry none; null: such orders are flagged. */
  defaultCurrency?: string | null;
}

export interface SourceSettings {
  sourceId: string;
  defaultRegion: string | null;
  testRules: TestTrafficRule[];
  /** null: the default order events (DEFAULT_ORDER_EVENTS). Optional so older literals stay valid. */
  orderEvents?: string[] | null;
  defaultCurrency?: string | null;
  updatedAt: string;
}

export const SOURCE_SETTINGS_BODY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    defaultRegion: { anyOf: [{ type: 'null' }, { type: 'string', pattern: '^[A-Za-z]{2}$' }] },
    orderEvents: {
      anyOf: [
        { type: 'null' },
        { type: 'array', minItems: 1, maxItems: 50, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 200 } },
      ],
    },
    defaultCurrency: { anyOf: [{ type: 'null' }, { type: 'string', pattern: '^[A-Za-z]{3}$' }] },
    testRules: {
      type: 'array',
      maxItems: 50,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['path'],
        properties: {
          path: { type: 'string', minLength: 1, maxLength: 200 },
          equals: { type: ['string', 'number', 'boolean'] },
          pattern: { type: 'string', minLength: 1, maxLength: 500 },
        },
        anyOf: [{ required: ['equals'] }, { required: ['pattern'] }],
      },
    },
  },
} as const;
