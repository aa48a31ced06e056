import { Injectable } from '@nestjs/common';
import type { IdentityChange } from '@tessera/contracts';
import type { ApplyContext } from '@tessera/kafka';
import { PriorityRepository } from '../priorities/priority-repository';
import { BestEmailAssigner } from '../storage/best-email-assigner';
import { clearGroupMemberships, writeGroupMemberships } from '../storage/group-membership-writer';
import { writeProfileDeltas } from '../storage/profile-delta-writer';
import { ANY_SOURCE, ProfileItemLog } from '../storage/profile-item-log';
import { resolveAndLockProfiles } from '../storage/profile-locks';
import { clearDerivedState } from '../storage/profile-reset';
import { loadProfileSnapshots } from '../storage/profile-snapshot';
import { foldGroupMemberships } from '../survivorship/group-membership';
import { observeItem } from '../survivorship/item-observer';
import { emptyProfileState, type ProfileState } from '../survivorship/profile-state';
import { joinProfileState } from '../survivorship/profile-state-join';
import type { ProfileInput } from './profile-input';
import { beforeImages, publishProfileChanges } from './profile-change-publisher';
import { loadMoneyContext } from '../storage/money-context-reader';

/**
 * The undo of a wrong merge (IdentityChange kind 'split'): the items named in movedItems (a v1 change:
 * movedMessageIds) move from the survivor to the new profile (absorbedProfileId), then both profiles are rebuilt by folding their logged
 * items again with the current priorities, and the split's identifiers are attributed to the new profile.
 * The other identifiers stay as they are: the item that caused the wrong merge stays with the survivor and
 * still lists the identifiers that moved, in this split or an earlier one.
 */
@Injectable()
export class ProfileSplitter {
  constructor(
    private readonly priorities: PriorityRepository,
    private readonly bestEmails: BestEmailAssigner,
    private readonly itemLog: ProfileItemLog,
  ) {}

  async split(ctx: ApplyContext<ProfileInput>, change: IdentityChange): Promise<number> {
    const created = change.absorbedProfileId;
    // The new profile may be an id absorbed earlier (the undo of that merge): it becomes itself again, so it is
    // locked as itself rather than followed to its survivor.
    await ctx.tx.query('DELETE FROM profile_redirects WHERE absorbed_id = $1', [created]);
    // Its status as consumers last saw it: coming back from 'merged' must be announced even with no items.
    const { rows: previous } = await ctx.tx.query<{ status: 'active' | 'merged' }>(
      'SELECT status FROM profiles WHERE profile_id = $1 FOR UPDATE',
      [created],
    );
    await ctx.tx.query("UPDATE profiles SET status = 'active', merged_into = NULL WHERE profile_id = $1", [created]);
    const targets = await resolveAndLockProfiles(ctx.tx, [change.survivorProfileId, created]);
    const kept = targets.get(change.survivorProfileId) ?? change.survivorProfileId;
    if (kept === created) return 0;
    const ids = [kept, created];
    const emailsBefore = (
      await ctx.tx.query<{ email: string }>('SELECT email FROM email_observations WHERE profile_id = ANY($1::text[])', [ids])
    ).rows.map((row) => row.email);
    const before = await loadProfileSnapshots(ctx.tx, [
      ...new Set([...ids, ...(await this.bestEmails.affectedProfiles(ctx.tx, emailsBefore))]),
    ]);

    // A v2 split names each item by (sourceId, messageId); a v1 split (no movedItems) by message id only.
    const byId = change.movedItems.length === 0;
    const moving = byId
      ? await this.itemLog.itemsNamedByMessageId(ctx.tx, kept, change.movedMessageIds, change.identifiers)
      : change.movedItems;
    await this.itemLog.move(ctx.tx, kept, created, moving);
    const named = byId ? change.movedMessageIds.map((messageId) => ({ sourceId: ANY_SOURCE, messageId })) : change.movedItems;
    await this.itemLog.rememberPendingMoves(ctx.tx, created, named, change.changeId);
    await clearDerivedState(ctx.tx, ids);
    await clearGroupMemberships(ctx.tx, ids);
    const deltas = new Map<string, ProfileState>();
    for (const profileId of ids) {
      const items = await this.itemLog.itemsOf(ctx.tx, profileId);
      await writeGroupMemberships(ctx.tx, foldGroupMemberships(items.map((item) => ({ profileId, item }))));
      const config = await this.priorities.forSources(ctx.tx, [...new Set(items.map((item) => item.sourceId))]);
      const rebuilt = items.reduce((state, item) => joinProfileState(state, observeItem(item, config)), emptyProfileState());
      // Identifiers stay where the resolver put them (see clearDerivedState); only the split's own move, below.
      rebuilt.identifiers.clear();
      deltas.set(profileId, rebuilt);
    }
    await writeProfileDeltas(ctx.tx, deltas);
    // The resolver moved these identifiers, and only these.
    if (change.identifiers.length > 0) {
      await ctx.tx.query(
        `INSERT INTO profile_identifiers (id_type, id_value, profile_id, first_seen_ms)
         SELECT t, v, $3, $4 FROM unnest($1::text[], $2::text[]) AS x(t, v)
         ON CONFLICT (id_type, id_value) DO UPDATE SET profile_id = EXCLUDED.profile_id`,
        [change.identifiers.map((i) => i.type), change.identifiers.map((i) => i.value), created, change.at],
      );
    }
    const emails = [...new Set([...emailsBefore, ...[...deltas.values()].flatMap((delta) => [...delta.emails.keys()])])];
    const affected = [...new Set([...before.keys(), ...(await this.bestEmails.affectedProfiles(ctx.tx, emails))])];
    await this.bestEmails.reassign(ctx.tx, emails, affected);
    const after = await loadProfileSnapshots(ctx.tx, affected);
    const money = await loadMoneyContext(ctx.tx);
    const beforeImage = beforeImages(before, money);
    const createdBefore = beforeImage.get(created);
    if (createdBefore && previous[0]) createdBefore.status = previous[0].status;
    return publishProfileChanges(ctx, beforeImage, after, money, () => ({
      causingMessageId: change.causingMessageId,
      changedAt: change.at,
    }));
  }
}
