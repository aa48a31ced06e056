import type { Resolution } from '../resolution/resolution';

/** A resolution with what the log tables need to know about its item. */
export interface ResolvedChange {
  readonly sourceId: string;
  readonly kind: 'event' | 'record';
  readonly messageId: string;
  readonly resolution: Resolution;
  /** Change ids for resolution.merges, same order. */
  readonly mergeChangeIds: readonly string[];
  /** Merge-log change id of resolution.rename. */
  readonly renameChangeId?: string;
}
