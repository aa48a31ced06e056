import type { ProfileChange, ResolvedItem } from '@tessera/contracts';

/** What the evaluator consumes: a profile's new state, or an item attributed to a profile. */
export type EvaluatorInput = { kind: 'profile'; change: ProfileChange } | { kind: 'item'; item: ResolvedItem };
