import { invalidBody, JsonBodyValidator } from '@tessera/service-kit';
import { validateRule, type Rule } from '../rules';

export interface SegmentBody {
  id?: string;
  name: string;
  description?: string | null;
  rule: Rule;
  includeTestProfiles?: boolean;
}

const body = new JsonBodyValidator<Omit<SegmentBody, 'rule'> & { rule: unknown }>({
  type: 'object',
  additionalProperties: false,
  required: ['name', 'rule'],
  properties: {
    id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$' },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    description: { type: ['string', 'null'], maxLength: 2000 },
    rule: { type: 'object' },
    includeTestProfiles: { type: 'boolean' },
  },
});

/** Where the rule sits in a segment or preview body: its problems are named by JSON Pointers under it. */
export const RULE_POINTER = '/rule';

/** Checks a segment body; a bad rule is a 400 naming the JSON Pointer into the body (`/rule/all/1/op`) and what is wrong. */
export function parseSegmentBody(input: unknown): SegmentBody {
  return { ...body.parse(input), rule: parseRule((input as { rule: unknown }).rule) };
}

/** The rule of a segment or preview body, or the 400 JsonBodyValidator would give: `{ message, details: [{ path, message }] }`. */
export function parseRule(input: unknown): Rule {
  const result = validateRule(input, RULE_POINTER);
  if (result.ok) return result.rule;
  throw invalidBody([{ path: result.path, message: result.message }]);
}
