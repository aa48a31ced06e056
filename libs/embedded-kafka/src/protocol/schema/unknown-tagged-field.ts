/**
 * A tagged field this version's table does not know. Kept on the decoded object under `_unknownTaggedFields` so
 * re-encoding reproduces the original bytes.
 */
export interface UnknownTaggedField {
  readonly tag: number;
  readonly data: Buffer;
}

export const UNKNOWN_TAGGED_FIELDS = '_unknownTaggedFields';
