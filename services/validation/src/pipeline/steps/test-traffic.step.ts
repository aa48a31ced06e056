import { ok } from '@tessera/kafka';
import type { TestTrafficRule } from '../../source-settings/source-settings';
import type { EventDraft, Step } from '../pipeline-types';
import { ownValue } from './own-properties';

/** Reads a dotted path (context.app.namespace) from a plain object. */
export function valueAtPath(root: unknown, path: string): unknown {
  let current = root;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = ownValue(current as Record<string, unknown>, segment);
  }
  return current;
}

const compiledPatterns = new Map<string, RegExp>();

export function matchesTestRule(subject: unknown, rule: TestTrafficRule): boolean {
  const value = valueAtPath(subject, rule.path);
  if (value === undefined || value === null) return false;
  if (rule.equals !== undefined && String(value) === String(rule.equals)) return true;
  if (rule.pattern !== undefined && typeof value === 'string') {
    let pattern = compiledPatterns.get(rule.pattern);
    if (!pattern) {
      pattern = new RegExp(rule.pattern);
      compiledPatterns.set(rule.pattern, pattern);
    }
    return pattern.test(value);
  }
  return false;
}

/** Labels test traffic (context.test, or a source's configured rule) so activation can exclude it. */
export function testTrafficStep(): Step<EventDraft> {
  return (draft, env) => {
    const flag = draft.context?.test;
    if (flag === true || flag === 'true') {
      draft.isTest = true;
      return ok(draft);
    }
    const rules = env.settings?.testRules ?? [];
    if (rules.length > 0) {
      const subject = {
        type: draft.type,
        userId: draft.userId,
        anonymousId: draft.anonymousId,
        event: draft.event,
        name: draft.raw.name,
        properties: draft.properties,
        traits: draft.traits,
        context: draft.context,
      };
      draft.isTest = rules.some((rule) => matchesTestRule(subject, rule));
    }
    return ok(draft);
  };
}
