import { dlq, ok } from '@tessera/kafka';
import type { EventDraft, JsonObject, Step } from '../pipeline-types';
import { aboutEvent } from './about';

const JSON_FIELDS = ['properties', 'traits', 'context', 'integrations', 'extra'] as const;

/** Parses a JSON-text field; the contract says it must hold an object. Returns an error sentence otherwise. */
export function parseJsonObject(text: string | null): { value: JsonObject | null } | { error: string } {
  if (text === null || text === '') return { value: null };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { error: `is not valid JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  if (parsed === null) return { value: null };
  if (typeof parsed !== 'object' || Array.isArray(parsed)) return { error: `must be a JSON object, got ${Array.isArray(parsed) ? 'an array' : typeof parsed}` };
  return { value: parsed as JsonObject };
}

/** Parses properties, traits, context, integrations and extra, which travel as JSON text. */
export function parseJsonFieldsStep(): Step<EventDraft> {
  return (draft) => {
    for (const field of JSON_FIELDS) {
      const result = parseJsonObject(draft.raw[field]);
      if ('error' in result) return dlq('invalid_json', `${field} ${result.error}`, field, aboutEvent(draft.raw));
      draft[field] = result.value;
    }
    return ok(draft);
  };
}
