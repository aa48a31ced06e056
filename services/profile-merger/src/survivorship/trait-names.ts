/**
 * Segment's reserved identify traits mapped to the semantic tags connectors use (Amperity's names), so a CRM
 * record's `given-name` and a web identify's `firstName` compete for the same field.
 */
const SEGMENT_TRAIT_TO_SEMANTIC: Readonly<Record<string, string>> = {
  firstName: 'given-name',
  first_name: 'given-name',
  lastName: 'surname',
  last_name: 'surname',
  birthday: 'birthdate',
  email: 'email',
  phone: 'phone',
  gender: 'gender',
  address: 'address',
};

/** The descriptive semantic tags of the records contract (cdp.records.raw `mapping`): each is a trait field. */
export const SEMANTIC_TRAIT_TAGS: readonly string[] = [
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
];

/** Record tags that name identifiers, not profile attributes: the resolver owns them. */
const IDENTIFIER_TAGS = new Set(['user_id', 'crm_id', 'email_sha256', 'anonymous_id', 'device_id', 'advertising_id']);

export function canonicalTraitName(name: string): string {
  // hasOwn: a trait named "constructor" or "toString" must not map to an Object.prototype member.
  return Object.hasOwn(SEGMENT_TRAIT_TO_SEMANTIC, name) ? SEGMENT_TRAIT_TO_SEMANTIC[name] : name;
}

/** The trait names canonicalTraitName rewrites, with the field each lands in. */
export function traitAliases(): ReadonlyArray<readonly [alias: string, field: string]> {
  return Object.entries(SEGMENT_TRAIT_TO_SEMANTIC).filter(([alias, field]) => alias !== field);
}

export function isIdentifierTag(tag: string): boolean {
  return IDENTIFIER_TAGS.has(tag) || tag.startsWith('id:');
}

/** The trait field a record attribute feeds: its semantic tag, or its own name when untagged; null for identifier tags. */
export function recordAttributeField(attribute: string, tag: string | undefined): string | null {
  if (tag === undefined) return attribute;
  if (isIdentifierTag(tag)) return null;
  return tag;
}

/** Prefix of consent categories in the trait registers (and in the segmentable values). */
export const CONSENT_FIELD_PREFIX = 'consent.';
