import type { Identifier } from './identifier';

/** How resolved_items stores an identifier: `type<US>value` (U+001F cannot appear in a type; jsonb refuses NUL). */
export function itemIdentifierKey(identifier: Identifier): string {
  return `${identifier.type}\u001f${identifier.value}`;
}
