import { Injectable } from '@nestjs/common';
import type { IdentityChange } from '@tessera/contracts';
import type { ApplyContext, DecodedRecord } from '@tessera/kafka';
import { BestEmailAssigner } from '../storage/best-email-assigner';
import { foldGroupMembershipsInto } from '../storage/group-membership-writer';
import { foldProfilesInto, type ProfileFold } from '../storage/profile-merge-writer';
import { resolveAndLockProfiles } from '../storage/profile-locks';
import { loadProfileSnapshots, setBestEmails } from '../storage/profile-snapshot';
import { foldSnapshots } from '../storage/snapshot-fold';
import type { MergingMetrics } from './metrics';
import type { ProfileInput } from './profile-input';
import { beforeImages, publishProfileChanges } from './profile-change-publisher';
import { loadMoneyContext } from '../storage/money-context-reader';
import { ProfileSplitter } from './profile-splitter';

/**
 * Applies cdp.identity.merges. Consecutive merges of a slice are applied together (set-based, see
 * applyMerges); a split rebuilds both profiles from their item logs (ProfileSplitter) and is applied in its
 * place in the order, after the merges before it. Each change id is applied once (identity_changes_applied).
 */
@Injectable()
export class IdentityChangesApplier {
  constructor(
    private readonly bestEmails: BestEmailAssigner,
    private readonly splitter: ProfileSplitter,
  ) {}

  async apply(
    ctx: ApplyContext<ProfileInput>,
    records: ReadonlyArray<DecodedRecord<ProfileInput>>,
    metrics: MergingMetrics,
  ): Promise<number> {
    const changes = records.flatMap((record) => (record.value.kind === 'identity_change' ? [record.value.change] : []));
    const fresh = await this.claim(ctx, changes);
    const freshSet = new Set(fresh);
    for (const change of changes)
      if (!freshSet.has(change)) ctx.afterCommit(() => metrics.identityChanges.inc({ kind: change.kind, outcome: 'already_applied' }));
    let published = 0;
    let merges: IdentityChange[] = [];
    for (const change of fresh) {
      if (change.kind !== 'split') {
        merges.push(change);
        continue;
      }
      published += await this.applyMerges(ctx, merges, metrics);
      merges = [];
      published += await this.splitter.split(ctx, change);
      ctx.afterCommit(() => metrics.identityChanges.inc({ kind: 'split', outcome: 'applied' }));
    }
    return published + (await this.applyMerges(ctx, merges, metrics));
  }

  /** The changes not applied before, in input order (a change id is logged once, in this transaction). */
  private async claim(ctx: ApplyContext<ProfileInput>, changes: readonly IdentityChange[]): Promise<IdentityChange[]> {
    if (changes.length === 0) return [];
    const { rows } = await ctx.tx.query<{ change_id: string }>(
      `INSERT INTO identity_changes_applied (change_id, kind, payload)
       SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[]) ON CONFLICT (change_id) DO NOTHING RETURNING change_id`,
      [changes.map((c) => c.changeId), changes.map((c) => c.kind), changes.map((c) => JSON.stringify(c))],
    );
    const claimed = new Set(rows.map((row) => row.change_id));
    // A change id repeated inside the slice is claimed once: the first copy applies, the rest are duplicates.
    return changes.filter((change) => claimed.delete(change.changeId));
  }

  /**
   * Folds every absorbed profile straight into the profile that survives the whole run of merges: merges are
   * chained in order in memory (a survivor absorbed by a later merge passes its absorbed profiles on), which
   * the fold's commutativity makes equal to applying them one by one, at a fixed number of statements.
   */
  private async applyMerges(ctx: ApplyContext<ProfileInput>, merges: readonly IdentityChange[], metrics: MergingMetrics): Promise<number> {
    if (merges.length === 0) return 0;
    const targets = await resolveAndLockProfiles(ctx.tx, [...new Set(merges.flatMap((m) => [m.survivorProfileId, m.absorbedProfileId]))]);
    const absorbedBy = new Map<string, string>();
    const root = (id: string): string => {
      let current = targets.get(id) ?? id;
      for (let next = absorbedBy.get(current); next !== undefined; next = absorbedBy.get(current)) current = next;
      return current;
    };
    const folds: ProfileFold[] = [];
    const causeOf = new Map<string, IdentityChange>();
    for (const change of merges) {
      const survivor = root(change.survivorProfileId);
      const absorbed = root(change.absorbedProfileId);
      if (survivor === absorbed) {
        ctx.afterCommit(() => metrics.identityChanges.inc({ kind: 'merge', outcome: 'already_applied' }));
        continue;
      }
      absorbedBy.set(absorbed, survivor);
      folds.push({ survivorId: survivor, absorbedId: absorbed, changeId: change.changeId, at: change.at });
      causeOf.set(survivor, change);
      causeOf.set(absorbed, change);
      ctx.afterCommit(() => metrics.identityChanges.inc({ kind: 'merge', outcome: 'applied' }));
    }
    if (folds.length === 0) return 0;
    for (const fold of folds) fold.survivorId = root(fold.survivorId);

    const absorbedIds = folds.map((fold) => fold.absorbedId);
    const emailRows = await ctx.tx.query<{ email: string }>(
      'SELECT DISTINCT email FROM email_observations WHERE profile_id = ANY($1::text[])',
      [absorbedIds],
    );
    const emails = emailRows.rows.map((row) => row.email);
    const survivors = [...new Set(folds.map((fold) => fold.survivorId))];
    const affected = [...new Set([...survivors, ...absorbedIds, ...(await this.bestEmails.affectedProfiles(ctx.tx, emails))])];
    const snapshots = await loadProfileSnapshots(ctx.tx, affected);
    const money = await loadMoneyContext(ctx.tx);
    const before = beforeImages(snapshots, money);
    await foldProfilesInto(ctx.tx, folds);
    await foldGroupMembershipsInto(ctx.tx, folds);
    const bestEmails = await this.bestEmails.reassign(ctx.tx, emails, affected);
    // The "after" state is computed from the snapshots, not read back (see foldSnapshots).
    foldSnapshots(snapshots, folds);
    setBestEmails(snapshots, bestEmails);
    return publishProfileChanges(ctx, before, snapshots, money, (profileId) => {
      const change = causeOf.get(profileId) ?? causeOf.get(root(profileId));
      return { causingMessageId: change?.causingMessageId ?? null, changedAt: change?.at ?? Date.now() };
    });
  }
}
