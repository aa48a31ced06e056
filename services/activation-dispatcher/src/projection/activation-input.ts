import type { ComputedValuesChange, ProfileChange, SegmentMembershipChange } from '@tessera/contracts';

/** What the dispatcher consumes: segment enters and exits, profile states, and computed values. */
export type ActivationInput =
  | { kind: 'membership'; change: SegmentMembershipChange }
  | { kind: 'profile'; change: ProfileChange }
  | { kind: 'computed'; change: ComputedValuesChange };
