import { dlq, ok } from '@tessera/kafka';
import type { EventDraft, JsonObject, Step } from '../pipeline-types';
import { aboutEvent } from './about';
import { jsonDepthExceeded, MAX_JSON_DEPTH, repairedTextViolation, repairJson, repairText } from './text-repair';

const JSON_FIELDS = ['properties', 'traits', 'context', 'integrations', 'extra'] as const;

/** Parses a JSON-text field; the contract says it must hold an object. Returns an error sentence otherwise. */
export function parseJsonObject(text: string | null): { value: JsonObject | null } | { error: string } {
  if (text === null || text === '') return { value: null };
  const tooDeepAt = jsonDepthExceeded(text);
  if (tooDeepAt >= 0) return { error: `nests deeper than ${MAX_JSON_DEPTH} levels (at character ${tooDeepAt})` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { error: `is not valid JSON (${repairText(err instanceof Error ? err.message : String(err))})` };
  }
  if (parsed === null) return { value: null };
  if (typeof parsed !== 'object' || Array.isArray(parsed)) return { error: `must be a JSON object, got ${Array.isArray(parsed) ? 'an array' : typeof parsed}` };
  return { value: parsed as JsonObject };
}

/**
 * A parsed object with its text repaired (text-repair.ts); an error sentence when it nests deeper than
 * MAX_JSON_DEPTH, which no later step (nor JSON.stringify) could walk without risking the stack.
 */
export function repairJsonObject(value: JsonObject | null, field: string): { value: JsonObject | null; repaired: number } | { error: string } {
  if (value === null) return { value, repaired: 0 };
  const result = repairJson(value, field);
  if ('tooDeep' in result) return { error: `nests deeper than ${MAX_JSON_DEPTH} levels (at ${result.tooDeep.slice(0, 200)})` };
  return { value: result.value as JsonObject, repaired: result.repaired };
}

/** Parses properties, traits, context, integrations and extra, which travel as JSON text, and repairs their text. */
export function parseJsonFieldsStep(): Step<EventDraft> {
  return (draft, env) => {
    for (const field of JSON_FIELDS) {
      const parsed = parseJsonObject(draft.raw[field]);
      const result = 'error' in parsed ? parsed : repairJsonObject(parsed.value, field);
      if ('error' in result) return dlq('invalid_json', `${field} ${result.error}`, field, aboutEvent(draft.raw));
      draft[field] = result.value;
      if (result.repaired > 0) {
        draft.violations.push(repairedTextViolation(field, result.repaired));
        env.observations.textsRepaired += result.repaired;
      }
    }
    return ok(draft);
  };
}
