import { dlq, ok } from '@tessera/kafka';
import type { EventDraft, JsonObject, Step } from '../pipeline-types';
import { aboutEvent } from './about';
import { jsonDepthExceeded, jsonTextMayNeedRepair, MAX_JSON_DEPTH, repairedTextViolation, repairJson, repairText } from './text-repair';

const JSON_FIELDS = ['properties', 'traits', 'context', 'integrations', 'extra'] as const;

/**
 * Parses a JSON-text field, which the contract says must hold an object, and repairs its text (text-repair.ts).
 * Returns an error sentence when it is not JSON, not an object, or nests deeper than MAX_JSON_DEPTH (which no later
 * step, nor JSON.stringify, could walk without risking the stack).
 */
export function parseJsonObject(text: string | null, field: string): { value: JsonObject | null; repaired: number } | { error: string } {
  if (text === null || text === '') return { value: null, repaired: 0 };
  const tooDeepAt = jsonDepthExceeded(text);
  if (tooDeepAt >= 0) return { error: `nests deeper than ${MAX_JSON_DEPTH} levels (at character ${tooDeepAt})` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { error: `is not valid JSON (${repairText(err instanceof Error ? err.message : String(err))})` };
  }
  if (parsed === null) return { value: null, repaired: 0 };
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    return { error: `must be a JSON object, got ${Array.isArray(parsed) ? 'an array' : typeof parsed}` };
  if (!jsonTextMayNeedRepair(text)) return { value: parsed as JsonObject, repaired: 0 };
  const result = repairJson(parsed, field);
  if ('tooDeep' in result) return { error: `nests deeper than ${MAX_JSON_DEPTH} levels (at ${result.tooDeep.slice(0, 200)})` };
  return { value: result.value as JsonObject, repaired: result.repaired };
}

/** Parses properties, traits, context, integrations and extra, which travel as JSON text, and repairs their text. */
export function parseJsonFieldsStep(): Step<EventDraft> {
  return (draft, env) => {
    for (const field of JSON_FIELDS) {
      const result = parseJsonObject(draft.raw[field], field);
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
