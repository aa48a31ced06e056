import { Injectable } from '@nestjs/common';
import type { IdentityChange } from '@tessera/contracts';
import type { ApplyContext, DecodedRecord } from '@tessera/kafka';
import { BestEmailAssigner } from '../storage/best-email-assigner';
import { foldProfileInto } from '../storage/profile-merge-writer';
import { resolveAndLockProfiles } from '../storage/profile-locks';
import { loadProfileSnapshots } from '../storage/profile-snapshot';
import { RecentEventsWriter } from '../storage/recent-events-writer';
import type { MergingMetrics } from './metrics';
import type { ProfileInput } from './profile-input';
import { beforeImages, publishProfileChanges } from './profile-change-publisher';
import { ProfileSplitter } from './profile-splitter';

/**
 * Applies cdp.identity.merges. A merge folds the absorbed profile into the survivor (both first followed through
 * earlier redirects, so merges arriving in any order end in one profile); a split rebuilds both profiles from
 * their item logs (ProfileSplitter). Each change id is applied once (identity_changes_applied).
 */
@Injectable()
export class IdentityChangesApplier {
  constructor(
    private readonly bestEmails: BestEmailAssigner,
    private readonly timeline: RecentEventsWriter,
    private readonly splitter: ProfileSplitter,
  ) {}

  async apply(ctx: ApplyContext<ProfileInput>, records: ReadonlyArray<DecodedRecord<ProfileInput>>, metrics: MergingMetrics): Promise<number> {
    let published = 0;
    for (const record of records) {
      if (record.value.kind !== 'identity_change') continue;
      const change = record.value.change;
      const logged = await ctx.tx.query('INSERT INTO identity_changes_applied (change_id, kind, payload) VALUES ($1, $2, $3) ON CONFLICT (change_id) DO NOTHING', [
        change.changeId, change.kind, JSON.stringify(change),
      ]);
      if (logged.rowCount === 0) {
        metrics.identityChanges.inc({ kind: change.kind, outcome: 'already_applied' });
        continue;
      }
      if (change.kind === 'split') {
        published += await this.splitter.split(ctx, change);
        metrics.identityChanges.inc({ kind: 'split', outcome: 'applied' });
        continue;
      }
      published += await this.merge(ctx, change, metrics);
    }
    return published;
  }

  private async merge(ctx: ApplyContext<ProfileInput>, change: IdentityChange, metrics: MergingMetrics): Promise<number> {
    const targets = await resolveAndLockProfiles(ctx.tx, [change.survivorProfileId, change.absorbedProfileId]);
    const survivor = targets.get(change.survivorProfileId) ?? change.survivorProfileId;
    const absorbed = targets.get(change.absorbedProfileId) ?? change.absorbedProfileId;
    if (survivor === absorbed) {
      metrics.identityChanges.inc({ kind: 'merge', outcome: 'already_applied' });
      return 0;
    }
    const emailRows = await ctx.tx.query<{ email: string }>('SELECT email FROM email_observations WHERE profile_id = $1', [absorbed]);
    const emails = emailRows.rows.map((row) => row.email);
    const affected = [...new Set([survivor, absorbed, ...(await this.bestEmails.affectedProfiles(ctx.tx, emails))])];
    const before = await loadProfileSnapshots(ctx.tx, affected);
    await foldProfileInto(ctx.tx, survivor, absorbed, change.changeId, change.at);
    await this.bestEmails.reassign(ctx.tx, emails, affected);
    await this.timeline.trim(ctx.tx, [survivor]);
    const after = await loadProfileSnapshots(ctx.tx, affected);
    metrics.identityChanges.inc({ kind: 'merge', outcome: 'applied' });
    return publishProfileChanges(ctx, beforeImages(before), after, () => ({ causingMessageId: change.causingMessageId, changedAt: change.at }));
  }
}
