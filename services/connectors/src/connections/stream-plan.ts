import { FIELD_MAPPING_SCHEMA, isTag, splitFieldMapping, type FieldMapping, type RecordMappingParts } from '@tessera/record-mapping';

/** One chosen stream of a connection, as the admin API takes it. */
export interface StreamSettings {
  name: string;
  /** Source field -> tag | attribute name | { to, cast }. Only mapped fields are sent (see the README). */
  mapping: FieldMapping;
  /** The field whose value identifies the customer; mapped to an identifier tag, or added as `crm_id`. */
  identifierField: string;
  /** Seed 001's multi-brand sources: the field holding the brand (namespaces record ids and crm ids). */
  brandField?: string;
  /** The field holding when the source last changed the row (survivorship orders by it). */
  observedAtField?: string;
}

export const STREAM_SETTINGS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'mapping', 'identifierField'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    mapping: FIELD_MAPPING_SCHEMA,
    identifierField: { type: 'string', minLength: 1, maxLength: 200 },
    brandField: { type: 'string', minLength: 1, maxLength: 200 },
    observedAtField: { type: 'string', minLength: 1, maxLength: 200 },
  },
} as const;

/** Identifier tags: what the identity resolver links profiles by. */
export function isIdentifierTag(tag: string): boolean {
  return ['user_id', 'anonymous_id', 'crm_id', 'email', 'phone', 'email_sha256'].includes(tag) || tag.startsWith('id:');
}

/** Identifier tags whose values are only unique within one brand's database, so a brand namespaces them. */
function isBrandScoped(tag: string): boolean {
  return tag === 'crm_id' || tag.startsWith('id:');
}

/** A stream's settings compiled for the read loop: which fields go out, under which maps. */
export interface StreamPlan {
  settings: StreamSettings;
  /** The source fields sent as attributes (the mapping's keys, the identifier included). */
  fields: string[];
  parts: RecordMappingParts;
  identifierTag: string;
  /** Whether the brand prefixes the identifier value too (crm_id, id:<type>), not only the record id. */
  brandScopedIdentifier: boolean;
}

export function targetOf(spec: FieldMapping[string]): string {
  return typeof spec === 'string' ? spec : spec.to;
}

/** Where the identifier field stands in a (schema-valid) stream: a problem at a JSON Pointer, or the compiled plan. */
export function compileStreamPlan(
  settings: StreamSettings,
  at: string,
): { plan: StreamPlan } | { problem: { path: string; message: string } } {
  const declared = settings.mapping[settings.identifierField];
  if (declared !== undefined && !(isTag(targetOf(declared)) && isIdentifierTag(targetOf(declared)))) {
    return {
      problem: {
        path: `${at}/identifierField`,
        message: `maps ${settings.identifierField} to ${targetOf(declared)}, which is not an identifier tag (crm_id, user_id, email, phone, email_sha256, id:<type>)`,
      },
    };
  }
  const mapping: FieldMapping = declared === undefined ? { ...settings.mapping, [settings.identifierField]: 'crm_id' } : settings.mapping;
  const identifierTag = targetOf(mapping[settings.identifierField]);
  return {
    plan: {
      settings,
      fields: Object.keys(mapping),
      parts: splitFieldMapping(mapping),
      identifierTag,
      brandScopedIdentifier: isBrandScoped(identifierTag),
    },
  };
}
