import { Injectable } from '@nestjs/common';
import type { ResolvedItem } from '@tessera/contracts';
import type { ApplyContext, DecodedRecord } from '@tessera/kafka';
import { BestEmailAssigner } from '../storage/best-email-assigner';
import { PriorityRepository } from '../priorities/priority-repository';
import { writeGroupMemberships } from '../storage/group-membership-writer';
import { writeProfileDeltas } from '../storage/profile-delta-writer';
import { forgetRenamedUserIds, renamedUserIds, retireRenamedUserIds } from '../storage/renamed-user-ids';
import { resolveAndLockProfiles } from '../storage/profile-locks';
import { itemKeyText, ProfileItemLog, type LoggedItem } from '../storage/profile-item-log';
import { attributeIdentifiers, loadProfileSnapshots, setBestEmails } from '../storage/profile-snapshot';
import { foldGroupMemberships } from '../survivorship/group-membership';
import { observeItem } from '../survivorship/item-observer';
import { emptyProfileState, type ProfileState } from '../survivorship/profile-state';
import { joinProfileState } from '../survivorship/profile-state-join';
import type { ProfileInput } from './profile-input';
import { beforeImages, publishProfileChanges } from './profile-change-publisher';
import { loadMoneyContext } from '../storage/money-context-reader';

/**
 * Folds a slice of cdp.events.resolved into profiles: the items are observed and folded per profile in code
 * (pure survivorship), then written with one set-based upsert per table whose ON CONFLICT repeats the same fold,
 * then best emails are re-decided for the emails seen and profile changes are staged.
 */
@Injectable()
export class ResolvedItemsApplier {
  constructor(
    private readonly priorities: PriorityRepository,
    private readonly bestEmails: BestEmailAssigner,
    private readonly itemLog: ProfileItemLog,
  ) {}

  async apply(ctx: ApplyContext<ProfileInput>, records: ReadonlyArray<DecodedRecord<ProfileInput>>): Promise<number> {
    const inputs = records.flatMap((record) =>
      record.value.kind === 'item' ? [{ item: record.value.item, payload: record.message.value }] : [],
    );
    const items = inputs.map((input) => input.item);
    if (items.length === 0) return 0;
    // An item a split moved before it arrived goes where the split sent it (it still carries the old key).
    const splitTo = await this.itemLog.claimPendingMoves(ctx.tx, items);
    const keyOf = (item: ResolvedItem) => splitTo.get(itemKeyText(item)) ?? item.profileId;
    const targets = await resolveAndLockProfiles(ctx.tx, [...new Set(items.map(keyOf))]);
    const config = await this.priorities.forSources(ctx.tx, [...new Set(items.map((item) => item.sourceId))]);

    const deltas = new Map<string, ProfileState>();
    const lastItem = new Map<string, ResolvedItem>();
    const placed: LoggedItem[] = [];
    for (const { item, payload } of inputs) {
      const profileId = targets.get(keyOf(item)) ?? keyOf(item);
      deltas.set(profileId, joinProfileState(deltas.get(profileId) ?? emptyProfileState(), observeItem(item, config)));
      lastItem.set(profileId, item);
      placed.push({ profileId, item, payload: payload ?? Buffer.alloc(0) });
    }
    const emails = [...new Set([...deltas.values()].flatMap((delta) => [...delta.emails.keys()]))];
    const emailProfiles = await this.bestEmails.affectedProfiles(ctx.tx, emails);
    const affected = [...new Set([...deltas.keys(), ...emailProfiles])];

    const snapshots = await loadProfileSnapshots(ctx.tx, affected);
    const money = await loadMoneyContext(ctx.tx);
    const before = beforeImages(snapshots, money);
    const held = new Map([...snapshots].map(([profileId, snapshot]) => [profileId, new Set(snapshot.state.identifiers)]));
    const attribution = await writeProfileDeltas(ctx.tx, deltas, held);
    const renamed = renamedUserIds(placed);
    await retireRenamedUserIds(ctx.tx, renamed);
    // Only a profile that observes one of these emails can see its best email change.
    const observing = [...deltas].filter(([, delta]) => delta.emails.size > 0).map(([profileId]) => profileId);
    const bestEmails = await this.bestEmails.reassign(ctx.tx, emails, [...new Set([...observing, ...emailProfiles])]);
    await this.itemLog.append(ctx.tx, placed);
    await writeGroupMemberships(ctx.tx, foldGroupMemberships(placed));
    // The "after" state is computed, not read back: the fold in code (the upserts do the same fold;
    // storage-fold.int.spec proves it), the identifiers as the slice attributed them, the best emails the
    // reassignment returned. Status cannot change here: every profile of the slice is locked.
    for (const [profileId, delta] of deltas) {
      const snapshot = snapshots.get(profileId);
      if (snapshot) joinProfileState(snapshot.state, delta);
    }
    attributeIdentifiers(snapshots, attribution);
    forgetRenamedUserIds(snapshots, renamed);
    setBestEmails(snapshots, bestEmails);

    return publishProfileChanges(
      ctx,
      before,
      snapshots,
      money,
      (profileId) => {
        const item = lastItem.get(profileId);
        return { causingMessageId: item?.messageId ?? null, changedAt: item?.resolvedAt ?? Date.now() };
      },
      new Set(deltas.keys()),
    );
  }
}
