import { BadRequestException } from '@nestjs/common';
import { JsonBodyValidator } from '@tessera/service-kit';
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

/** Checks a segment body; a bad rule is a 400 naming the JSON path into the rule (`$.all[1].op`) and what is wrong. */
export function parseSegmentBody(input: unknown): SegmentBody {
  return { ...body.parse(input), rule: parseRule((input as { rule: unknown }).rule) };
}

export function parseRule(input: unknown): Rule {
  const result = validateRule(input);
  if (result.ok) return result.rule;
  throw new BadRequestException({
    message: `rule ${result.path} ${result.message}`,
    details: [{ path: result.path, message: result.message }],
  });
}
