import { invalidBody, JsonBodyValidator } from '@tessera/service-kit';
import { normalizeSuppressionValue, PROFILE_SUPPRESSION_KIND } from '../enqueue/suppression-index';

/** One entry of a destination's suppression list: a profile id, or an identifier (type, value). */
export interface SuppressionKey {
  destinationId: string;
  kind: string;
  value: string;
}

const body = new JsonBodyValidator<{
  destinationId: string;
  profileId?: string;
  identifierType?: string;
  identifierValue?: string;
  reason?: string;
}>({
  type: 'object',
  additionalProperties: false,
  required: ['destinationId'],
  properties: {
    destinationId: { type: 'string', minLength: 1, maxLength: 200 },
    profileId: { type: 'string', minLength: 1, maxLength: 200 },
    identifierType: { type: 'string', minLength: 1, maxLength: 100 },
    identifierValue: { type: 'string', minLength: 1, maxLength: 1000 },
    reason: { type: 'string', maxLength: 1000 },
  },
});

/** The key of a suppression from a body or a query: exactly one of profileId or identifierType + identifierValue. */
export function parseSuppressionKey(input: unknown): SuppressionKey & { reason: string | null } {
  const parsed = body.parse(input);
  const byIdentifier = parsed.identifierType !== undefined || parsed.identifierValue !== undefined;
  if (byIdentifier === (parsed.profileId !== undefined))
    throw invalidBody(
      [{ path: '', message: 'exactly one of profileId, identifierType + identifierValue' }],
      'give either profileId or identifierType and identifierValue',
    );
  if (byIdentifier && (parsed.identifierType === undefined || parsed.identifierValue === undefined)) {
    throw invalidBody(
      [{ path: parsed.identifierType === undefined ? '/identifierType' : '/identifierValue', message: 'is required' }],
      'identifierType and identifierValue go together',
    );
  }
  if (parsed.identifierType === PROFILE_SUPPRESSION_KIND)
    throw invalidBody(
      [{ path: '/identifierType', message: `must not be ${PROFILE_SUPPRESSION_KIND}` }],
      'use profileId to suppress a profile',
    );
  const kind = parsed.profileId !== undefined ? PROFILE_SUPPRESSION_KIND : (parsed.identifierType as string);
  const value = parsed.profileId ?? normalizeSuppressionValue(kind, parsed.identifierValue as string);
  return { destinationId: parsed.destinationId, kind, value, reason: parsed.reason ?? null };
}
