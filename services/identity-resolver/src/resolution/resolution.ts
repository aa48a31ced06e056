import type { DroppedIdentifier, Identifier } from './identifier';
import type { RenameDecision } from './user-rename';

/** One profile folded into another because an item linked them. */
export interface MergeDecision {
  readonly survivorProfileId: string;
  readonly absorbedProfileId: string;
  /** e.g. shared_identifier:email — the type of the highest-priority identifier that linked the absorbed profile. */
  readonly rule: string;
  /** The item's identifiers that pointed to the survivor or the absorbed profile. */
  readonly identifiers: readonly Identifier[];
}

export interface SuspectDecision {
  readonly identifier: Identifier;
  readonly distinctUserIds: number;
}

/** What resolving one item decided; the persistence layer writes exactly this, set-based, per batch. */
export interface Resolution {
  /** The live profile the item belongs to; undefined when no identifier was usable. */
  readonly profileId: string | undefined;
  readonly createdProfile: boolean;
  /** Identifiers of the item now linked to profileId (known before or attached now). */
  readonly linked: readonly Identifier[];
  /** Identifiers attached for the first time (new rows). */
  readonly attached: readonly Identifier[];
  readonly dropped: readonly DroppedIdentifier[];
  readonly merges: readonly MergeDecision[];
  /** The user_id rename an alias of a known user_id made (see user-rename.ts). */
  readonly rename: RenameDecision | undefined;
  /** (identifier, user_id) pairs seen together for the first time, for the shared-value guard. */
  readonly userLinks: ReadonlyArray<{ identifier: Identifier; userId: string }>;
  readonly newSuspects: readonly SuspectDecision[];
}
