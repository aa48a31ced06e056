/** Descriptive semantic tags: each is one profile trait field, whatever the source calls it. */
export const SEMANTIC_TAGS = [
  'email',
  'phone',
  'given-name',
  'surname',
  'address',
  'city',
  'state',
  'postal',
  'birthdate',
  'gender',
] as const;
/** Identifier tags (plus `id:<type>` for any other identifier): the identity resolver keys profiles on them. */
export const IDENTIFIER_TAGS = ['user_id', 'anonymous_id', 'crm_id', 'email_sha256'] as const;
export const FIELD_CASTS = ['date', 'number', 'boolean'] as const;
export type FieldCast = (typeof FIELD_CASTS)[number];

/** A tag the records contract knows (`email` and `phone` are both descriptive and identifying). */
export const TAG_PATTERN = `^(${[...SEMANTIC_TAGS, ...IDENTIFIER_TAGS].join('|')}|id:[a-z][a-z0-9_]{0,62})$`;
/** A custom profile attribute name: what a source field lands in when its target is not a tag. */
export const ATTRIBUTE_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]{0,63}$';

/**
 * Where one source field goes: a tag, or any profile attribute name (`"Tier": "loyalty_tier"`), optionally cast
 * (`{ "to": "contract_end_date", "cast": "date" }`).
 */
export type FieldTarget = string | { to: string; cast?: FieldCast };
export type FieldMapping = Readonly<Record<string, FieldTarget>>;

/** A field mapping as cdp.records.raw carries it (v2): tags, renames to custom attributes, and casts. */
export interface RecordMappingParts {
  mapping: Record<string, string>;
  renames: Record<string, string>;
  casts: Record<string, string>;
}

const TAG = new RegExp(TAG_PATTERN);
const target = {
  anyOf: [
    { type: 'string', pattern: TAG_PATTERN },
    { type: 'string', pattern: ATTRIBUTE_NAME_PATTERN },
  ],
} as const;

/** JSON Schema of a field mapping (source field -> target), shared by POST /v1/records and connections. */
export const FIELD_MAPPING_SCHEMA = {
  type: 'object',
  maxProperties: 500,
  propertyNames: { minLength: 1, maxLength: 200 },
  additionalProperties: {
    anyOf: [
      target,
      {
        type: 'object',
        additionalProperties: false,
        required: ['to'],
        properties: { to: target, cast: { enum: [...FIELD_CASTS] } },
      },
    ],
  },
} as const;

export function isTag(target: string): boolean {
  return TAG.test(target);
}

/** Splits a (schema-valid) field mapping into the contract's three maps. */
export function splitFieldMapping(fields: FieldMapping): RecordMappingParts {
  const parts: RecordMappingParts = { mapping: {}, renames: {}, casts: {} };
  for (const [field, spec] of Object.entries(fields)) {
    const { to, cast } = typeof spec === 'string' ? { to: spec, cast: undefined } : spec;
    if (isTag(to)) parts.mapping[field] = to;
    else if (to !== field) parts.renames[field] = to;
    if (cast) parts.casts[field] = cast;
  }
  return parts;
}
