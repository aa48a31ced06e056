import { Inject, Injectable } from '@nestjs/common';
import type { IdentityChange } from '@tessera/contracts';
import type { SqlExecutor } from '@tessera/kafka';
import { evaluateProfiles, type EvaluationOutcome } from '../evaluation/profile-evaluation';
import { lockProfiles, type ProfileRow } from '../evaluation/profile-store';
import { SEGMENT_SETTINGS, type SegmentSettings } from '../config/segment-settings';
import { SegmentCatalog } from '../evaluation/segment-catalog';
import { moveSplitEvents, recordSplitMoves, type NamedItem } from './split-moved-items';

/** More hops than any chain of merges: a cycle in stored redirects cannot loop forever. */
const MAX_HOPS = 32;

/**
 * A split (cdp.identity.merges, kind split: the undo of a wrong merge) gives the items it names to the split-off
 * profile (absorbedProfileId). cdp.profiles.changed says that both profiles changed but not which events moved, so
 * the evaluator reads the split itself: the named events leave the survivor's history for the split-off profile's,
 * the items are remembered (one still on its way keyed to the survivor goes to its profile), and both profiles are
 * re-decided in full, computed values included. The survivor is followed through later merges, as the profile
 * merger does. A split-off profile the evaluator still knows as merged loses its redirect and keeps the events
 * (and new ones) until its own change (merged -> active) arrives, which re-decides it in full.
 */
@Injectable()
export class SplitApplier {
  constructor(@Inject(SEGMENT_SETTINGS) private readonly settings: SegmentSettings) {}

  async apply(tx: SqlExecutor, splits: readonly IdentityChange[], now: number): Promise<EvaluationOutcome> {
    const touched = new Set<string>();
    for (const split of splits) {
      const created = split.absorbedProfileId;
      const rows = await lockProfiles(tx, [split.survivorProfileId, created]);
      const kept = await this.follow(tx, rows, split.survivorProfileId);
      if (kept === created) continue;
      // v2 names (source, message id); a v1 split only message ids, which then match any source
      const named: NamedItem[] =
        split.movedItems.length > 0 ? split.movedItems : split.movedMessageIds.map((messageId) => ({ sourceId: '', messageId }));
      // it is its own profile again from this split on: an event keyed to it before its own change (merged ->
      // active) arrives stays with it instead of following the stale redirect to the survivor
      await tx.query("UPDATE profiles SET merged_into = NULL WHERE profile_id = $1 AND status = 'merged'", [created]);
      await recordSplitMoves(tx, created, named);
      await moveSplitEvents(tx, kept, created, named);
      touched.add(kept).add(created);
    }
    const rows = await lockProfiles(tx, [...touched]);
    // read once the profiles are locked: a segment deleted while this waited for a lock is not decided again
    const catalog = await SegmentCatalog.load(tx, this.settings);
    const requests = [...rows.values()]
      .filter((p) => p.status === 'active')
      .map((profile) => ({ profile, scope: 'all' as const, at: now, computed: 'all' as const }));
    return evaluateProfiles(tx, catalog, requests);
  }

  /** The profile that holds `id`'s history now: `id`, or the survivor of the merges it went through (locked). */
  private async follow(tx: SqlExecutor, rows: Map<string, ProfileRow>, id: string): Promise<string> {
    let current = id;
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      const row = rows.get(current) ?? (await lockProfiles(tx, [current])).get(current);
      if (!row || row.status !== 'merged' || !row.mergedInto) return current;
      rows.set(current, row);
      current = row.mergedInto;
    }
    return current;
  }
}
