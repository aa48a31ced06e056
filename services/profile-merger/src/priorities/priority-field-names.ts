import { canonicalTraitName, CONSENT_FIELD_PREFIX, isIdentifierTag, SEMANTIC_TRAIT_TAGS, traitAliases } from '../survivorship/trait-names';

export type PriorityFieldsResult = { ok: true; fields: Record<string, number> } | { ok: false; message: string };

/** How segments and cdp.profiles.changed name a trait; accepted here as the trait itself. */
const SEGMENTABLE_TRAIT_PREFIX = 'traits.';

/** given-name, GivenName, given_name and "Given Name" all squash to "givenname". */
const squash = (name: string): string => name.toLowerCase().replace(/[\s_-]/g, '');

/** Names one slip away from a semantic tag or one of its aliases (FirstName, given_name, e-mail), by squashed form. */
const NEAR_MISSES: ReadonlyMap<string, string> = new Map([
  ...SEMANTIC_TRAIT_TAGS.map((tag) => [squash(tag), tag] as const),
  ...traitAliases().map(([alias, field]) => [squash(alias), field] as const),
]);

const ACCEPTED =
  `a trait or untagged record attribute as sources send it (e.g. plan), a semantic tag (${SEMANTIC_TRAIT_TAGS.join(', ')}), ` +
  `or a Segment trait that maps to one (${traitAliases()
    .map(([alias, field]) => `${alias} -> ${field}`)
    .join(', ')})`;

/** Why a name can never hold a trait value the merger ranks by priority; undefined when it can. */
function refusal(field: string): string | undefined {
  if (field.length === 0) return 'the name is empty';
  if (field.startsWith(CONSENT_FIELD_PREFIX)) return 'consent takes the newest choice from any source; field priorities do not apply to it';
  if (isIdentifierTag(field)) return 'identifiers are not traits; their priority is an identity rule of the resolver (/v1/identity-rules)';
  if (field.startsWith('$')) return 'names starting with $ are trait operators ($set, $set_once, $unset), not fields';
  const meant = NEAR_MISSES.get(squash(field));
  if (meant !== undefined && meant !== field) return `did you mean "${meant}"? semantic fields are spelled exactly`;
  return undefined;
}

/**
 * Turns the `fields` of a priority setting into the field names observations are stored under, with the merger's
 * own trait canonicalization (firstName -> given-name), so a field priority always names a field that exists.
 * Refuses names that can never be one (consent, identifiers, operators, near-misses of a semantic tag), and two
 * names of one field with different priorities.
 */
export function canonicalPriorityFields(fields: Readonly<Record<string, number>>): PriorityFieldsResult {
  const canonical: Record<string, number> = {};
  const namedBy = new Map<string, string>();
  for (const [name, priority] of Object.entries(fields)) {
    const field = canonicalTraitName(name.startsWith(SEGMENTABLE_TRAIT_PREFIX) ? name.slice(SEGMENTABLE_TRAIT_PREFIX.length) : name);
    const reason = refusal(field);
    if (reason) return { ok: false, message: `fields: "${name}" cannot be a field (${reason}). Accepted: ${ACCEPTED}` };
    const earlier = namedBy.get(field);
    if (earlier !== undefined && canonical[field] !== priority) {
      return { ok: false, message: `fields: "${earlier}" and "${name}" both name the field "${field}", with different priorities` };
    }
    namedBy.set(field, name);
    canonical[field] = priority;
  }
  return { ok: true, fields: canonical };
}
