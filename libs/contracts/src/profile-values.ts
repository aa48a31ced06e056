/**
 * The names the `values` of cdp.profiles.changed can hold: the profile-merger writes them, segments compare them and
 * syncs map them. Readers check a name against this list when it is saved, because a misspelt name (`plan` for
 * `traits.plan`) would otherwise be a segment that silently never matches.
 */
export const PROFILE_VALUE_NAMES = [
  'email',
  'first_seen',
  'last_seen',
  'revenue_total',
  'revenue_currency',
  'revenue_without_currency',
  'revenue_flags',
  'order_count',
  'last_order_at',
] as const;

/** Prefixes whose rest is free: a trait's attribute name, a consent category, an event name, a currency, a campaign field. */
export const PROFILE_VALUE_PREFIXES = ['traits', 'consent', 'event_count', 'revenue', 'campaign'] as const;

const plain = new Set<string>(PROFILE_VALUE_NAMES);
const prefixed = new RegExp(`^(${PROFILE_VALUE_PREFIXES.join('|')})\\..`, 's');

export function isProfileValueName(name: string): boolean {
  return plain.has(name) || prefixed.test(name);
}

/** Why `name` is not a profile value, with the likely fix: a custom attribute written without `traits.`. */
export function unknownProfileValueMessage(name: string): string {
  const list = `traits.<attribute>, ${PROFILE_VALUE_PREFIXES.filter((p) => p !== 'traits')
    .map((p) => `${p}.<…>`)
    .join(', ')} or one of ${PROFILE_VALUE_NAMES.join(', ')}`;
  return `names no profile value: custom attributes are written traits.<attribute> (did you mean ${JSON.stringify(`traits.${name}`)}?); the values are ${list}`;
}
