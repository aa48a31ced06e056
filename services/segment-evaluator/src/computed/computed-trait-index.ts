import type { ComputedTraitDefinition } from './computed-trait-definition';

/** The event names a definition reads: an occurrence of any other event cannot change it. */
export function computedTraitEvents(definition: ComputedTraitDefinition): string[] {
  return [definition.event];
}

/** Event name -> keys of the definitions that read it, so an event re-evaluates only those. */
export function indexComputedTraitsByEvent(definitions: Iterable<ComputedTraitDefinition>): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const definition of definitions) {
    for (const event of computedTraitEvents(definition)) {
      const keys = index.get(event) ?? [];
      if (!keys.includes(definition.key)) keys.push(definition.key);
      index.set(event, keys);
    }
  }
  return index;
}
