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
/**
 * The orders a date cast can be told a source writes its dates in. `31/03/2027` and `03/31/2027` cannot be told
 * apart from the value, so without a format a date cast takes only ISO-8601; with one, that order (and ISO-8601).
 */
export const DATE_FORMATS = ['DD.MM.YYYY', 'DD/MM/YYYY', 'DD-MM-YYYY', 'MM/DD/YYYY', 'MM-DD-YYYY', 'YYYYMMDD'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];
/**
 * How a number cast reads a source's digit grouping and decimal mark, named by an example. Without one, `.` is the
 * decimal mark and `,` may group thousands (`1,234.5`); a German or French export writes `1.234,5` or `1 234,5`,
 * and `1.234` there means one thousand two hundred and thirty-four, so the order must be told, as for dates.
 */
export const NUMBER_FORMATS = ['1,234.56', '1.234,56', '1 234,56', "1'234.56"] as const;
export type NumberFormat = (typeof NUMBER_FORMATS)[number];
export type CastFormat = DateFormat | NumberFormat;

/** A tag the records contract knows (`email` and `phone` are both descriptive and identifying). */
export const TAG_PATTERN = `^(${[...SEMANTIC_TAGS, ...IDENTIFIER_TAGS].join('|')}|id:[a-z][a-z0-9_]{0,62})$`;
/** A custom profile attribute name: what a source field lands in when its target is not a tag. */
export const ATTRIBUTE_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]{0,63}$';

/**
 * Where one source field goes: a tag, or any profile attribute name (`"Tier": "loyalty_tier"`), optionally cast
 * (`{ "to": "contract_end_date", "cast": "date" }`).
 */
export type FieldTarget = string | { to: string; cast?: FieldCast; format?: CastFormat };
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

function formatNeedsCast(formats: readonly string[], cast: FieldCast) {
  return {
    if: { required: ['format'], properties: { format: { enum: [...formats] } } },
    then: { required: ['cast'], properties: { cast: { const: cast } } },
  } as const;
}

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
        properties: { to: target, cast: { enum: [...FIELD_CASTS] }, format: { enum: [...DATE_FORMATS, ...NUMBER_FORMATS] } },
        // a format says how to read a date or a number, so it comes with that cast only
        allOf: [formatNeedsCast(DATE_FORMATS, 'date'), formatNeedsCast(NUMBER_FORMATS, 'number')],
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
    const { to, cast, format } = typeof spec === 'string' ? { to: spec, cast: undefined, format: undefined } : spec;
    if (isTag(to)) parts.mapping[field] = to;
    else if (to !== field) parts.renames[field] = to;
    if (cast) parts.casts[field] = format ? `${cast}:${format}` : cast;
  }
  return parts;
}

export type ParsedCast = { cast: 'date'; format?: DateFormat } | { cast: 'number'; format?: NumberFormat } | { cast: 'boolean' };

/** A cast as the records contract carries it (`date`, `date:DD.MM.YYYY`, `number:1.234,56`), or undefined for one this version lacks. */
export function parseCast(text: string): ParsedCast | undefined {
  const [cast, format, ...rest] = text.split(':');
  if (rest.length > 0 || !(FIELD_CASTS as readonly string[]).includes(cast)) return undefined;
  if (format === undefined) return { cast: cast as FieldCast };
  if (cast === 'date' && (DATE_FORMATS as readonly string[]).includes(format)) return { cast, format: format as DateFormat };
  if (cast === 'number' && (NUMBER_FORMATS as readonly string[]).includes(format)) return { cast, format: format as NumberFormat };
  return undefined;
}
