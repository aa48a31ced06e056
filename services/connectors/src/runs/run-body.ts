import { JsonBodyValidator } from '@tessera/service-kit';

const body = new JsonBodyValidator<{ fullRefresh?: boolean }>({
  type: 'object',
  additionalProperties: false,
  properties: { fullRefresh: { type: 'boolean' } },
});

/** `{ fullRefresh?: boolean }`; an empty body is a normal (incremental where a cursor exists) run. */
export function parseRunBody(input: unknown): { fullRefresh: boolean } {
  return { fullRefresh: body.parse(input ?? {}).fullRefresh ?? false };
}
