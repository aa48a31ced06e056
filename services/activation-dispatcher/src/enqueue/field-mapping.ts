import { jsonPointer } from '@tessera/config';
import { isProfileValueName, PROFILE_VALUE_NAMES } from '@tessera/contracts';
import type { ProfileState } from '../projection/profile-state';

/**
 * A sync's field mapping: output name -> where its value comes from. Sources:
 * - a segmentable value of the profile: `traits.<name>`, `email`, `first_seen`, `last_seen`, `revenue_total`,
 *   `revenue_currency`, `order_count`, `last_order_at`, `event_count.<event>`, `revenue.<CUR>`, `campaign.<field>`;
 * - a computed trait or prediction: `computed.<key>`, `prediction.<name>`;
 * - an identifier: `identifier.<type>` (the first value) or `identifiers.<type>` (every value);
 * - a consent choice: `consent.<category>` (true, false or absent).
 * An unset source leaves its output name out, so a destination never confuses "unknown" with a value.
 */
export type FieldMapping = Record<string, string>;

export interface MappingProblem {
  path: string;
  message: string;
}

const OUTPUT_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,99}$/;
/** Sources the dispatcher adds to the profile's values (@tessera/contracts' PROFILE_VALUE_NAMES and prefixes). */
const OWN_PREFIXED = /^(computed|prediction|identifier|identifiers)\../s;
const MAX_SOURCE_LENGTH = 220;
const knownSource = (source: string): boolean =>
  source.length <= MAX_SOURCE_LENGTH && (isProfileValueName(source) || OWN_PREFIXED.test(source));

/** Problems with a mapping, at JSON Pointers under `base` (empty when valid). */
export function validateMapping(mapping: unknown, base = '/mapping'): MappingProblem[] {
  if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping))
    return [{ path: base, message: 'must be an object of output name -> source' }];
  const problems: MappingProblem[] = [];
  const entries = Object.entries(mapping);
  if (entries.length > 200) problems.push({ path: base, message: 'must map at most 200 fields' });
  for (const [name, source] of entries) {
    const path = jsonPointer(base, name);
    if (!OUTPUT_NAME.test(name))
      problems.push({ path, message: 'output names start with a letter or _ and hold letters, digits, _ . - (at most 100)' });
    if (typeof source !== 'string') problems.push({ path, message: 'must be a source name (string)' });
    else if (!knownSource(source)) {
      problems.push({
        path,
        message: `unknown source ${JSON.stringify(source)}: use traits.<name>, computed.<key>, prediction.<name>, identifier.<type>, identifiers.<type>, consent.<category>, event_count.<event>, revenue.<CUR>, campaign.<field> or one of ${PROFILE_VALUE_NAMES.join(', ')}`,
      });
    }
  }
  return problems;
}

/** The mapped fields of a profile: output name -> value, unset sources left out. */
export function mapFields(mapping: FieldMapping, profile: ProfileState): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [name, source] of Object.entries(mapping)) {
    const value = sourceValue(source, profile);
    if (value !== undefined) fields[name] = value;
  }
  return fields;
}

function sourceValue(source: string, profile: ProfileState): unknown {
  const dot = source.indexOf('.');
  const head = dot < 0 ? source : source.slice(0, dot);
  const rest = source.slice(dot + 1);
  switch (head) {
    case 'computed':
    case 'prediction':
      return own(profile.computed, source);
    case 'identifier':
      return own(profile.identifiers, rest)?.[0];
    case 'identifiers':
      return own(profile.identifiers, rest);
    case 'consent':
      return own(profile.consent, rest.toLowerCase());
    default:
      return own(profile.traits, source);
  }
}

// hasOwn: a source named "constructor" must not read Object.prototype
function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Whether the mapped fields differ between two states of a profile (an upsert sync sends only then). */
export function mappedFieldsChanged(mapping: FieldMapping, before: ProfileState, after: ProfileState): boolean {
  return JSON.stringify(mapFields(mapping, before)) !== JSON.stringify(mapFields(mapping, after));
}
