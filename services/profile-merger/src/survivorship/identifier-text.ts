/** An identifier as the resolver emits it on resolved items and identity changes. */
export interface IdentifierParts {
  type: string;
  value: string;
}

const EXTERNAL = /^external:([^:]+):(.+)$/s;

/**
 * Reads `type:value` back into its parts, the way the identity resolver formats and parses it: the type is
 * everything before the first colon, except for external ids, whose type is `external:<type>` (Segment's
 * context.externalIds and connectors' `id:<type>` tags). Splitting those at the first colon stored them as
 * type `external`, so a split's own (resolver-typed) rows could never replace them. Values may hold colons
 * (record_id is `source:objectType:recordId`).
 */
export function parseIdentifierText(text: string): IdentifierParts | undefined {
  const external = EXTERNAL.exec(text);
  if (external) return { type: `external:${external[1]}`, value: external[2] };
  if (text.startsWith('external:')) return undefined;
  const at = text.indexOf(':');
  if (at <= 0 || at === text.length - 1) return undefined;
  return { type: text.slice(0, at), value: text.slice(at + 1) };
}
