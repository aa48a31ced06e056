import { invalidBody } from '@tessera/service-kit';
import type { ComputedTraitDefinition, ComputedTraitDefinitionParser } from '../computed';

/** A definition from the admin API, or a 400 naming each bad value's JSON Pointer, as a bad segment rule does. */
export function parseComputedTraitBody(parser: ComputedTraitDefinitionParser, input: unknown): ComputedTraitDefinition {
  const result = parser.parse(input);
  if (result.ok) return result.definition;
  throw invalidBody(result.errors);
}
