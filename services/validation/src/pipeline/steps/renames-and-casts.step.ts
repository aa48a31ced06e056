import type { RawRecord } from '@tessera/contracts';
import { dlq, ok, type RejectedItemInfo, type StepResult } from '@tessera/kafka';
import { parseCast } from '@tessera/record-mapping';
import type { JsonObject } from '../pipeline-types';
import { castValue } from './cast-value';
import { setOwn } from './own-properties';

/**
 * A record's custom mapping (cdp.records.raw v2), before its tags are read: casts first, on the source names, so a
 * value that cannot be cast rejects the record at `attributes.<source name>`; an empty value is dropped and null
 * kept. Then renames: the attribute lands under its profile attribute name, and a rename onto a name another
 * attribute already holds wins (the mapping chose it; the other value would otherwise be silently replaced by
 * whichever key came last). Returns a new object; the input is not changed.
 */
export function applyRenamesAndCasts(
  attributes: JsonObject,
  raw: Pick<RawRecord, 'renames' | 'casts'>,
  about: RejectedItemInfo,
): StepResult<JsonObject> {
  const cast: JsonObject = {};
  for (const [name, value] of Object.entries(attributes)) {
    const wanted = Object.hasOwn(raw.casts, name) ? raw.casts[name] : undefined;
    if (wanted === undefined) {
      setOwn(cast, name, value);
      continue;
    }
    const parsed = parseCast(wanted);
    if (parsed === undefined)
      return dlq(
        'invalid_record',
        `attribute ${JSON.stringify(name)} has an unknown cast ${JSON.stringify(wanted)} (date, number or boolean)`,
        `attributes.${name}`,
        about,
      );
    const outcome = castValue(value, parsed.cast, 'format' in parsed ? parsed.format : undefined);
    if (!outcome.ok)
      return dlq(
        'invalid_record',
        `attribute ${JSON.stringify(name)} cannot be cast to ${parsed.cast}: ${outcome.detail}`,
        `attributes.${name}`,
        about,
      );
    if (!('absent' in outcome)) setOwn(cast, name, outcome.value);
  }
  const renamed: JsonObject = {};
  const target = (name: string) => (Object.hasOwn(raw.renames, name) ? raw.renames[name] : undefined);
  for (const [name, value] of Object.entries(cast)) if (target(name) === undefined) setOwn(renamed, name, value);
  for (const [name, value] of Object.entries(cast)) {
    const to = target(name);
    if (to !== undefined) setOwn(renamed, to, value);
  }
  return ok(renamed);
}
