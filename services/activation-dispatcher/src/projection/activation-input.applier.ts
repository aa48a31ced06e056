import { Injectable } from '@nestjs/common';
import type { ComputedValuesChange, ProfileChange, SegmentMembershipChange } from '@tessera/contracts';
import type { SqlExecutor } from '@tessera/kafka';
import type { WriteSummary } from '../enqueue/delivery-writer';
import { enqueueDeliveries } from '../enqueue/enqueue-transaction';
import { applySnapshot, type ProfileState } from './profile-state';
import { lockProfiles, storeProfiles } from './profile-store';
import { lockSegments } from './segment-lock';

/**
 * Folds each input into the projections and enqueues what it causes, in the consumer's transaction:
 * - a membership change carries the profile at its version (kept if newer than the projection), moves
 *   segment_members, and is an add, remove or upsert for each sync of the segment;
 * - a profile change (newer versions only: the topic is compacted and replays) re-checks every sync that concerns
 *   the profile: consent withdrawn, merged or test -> removes where it was present; an upsert sync's fields;
 * - computed values replace the profile's computed map and feed upsert syncs that map them.
 * Membership messages carry the same profile state as cdp.profiles.changed, so whichever arrives first applies it
 * and the reconciliation runs once; since v3 only the first message of a profile version carries it
 * (`snapshotOmitted` on the others).
 */
@Injectable()
export class ActivationInputApplier {
  async memberships(tx: SqlExecutor, changes: readonly SegmentMembershipChange[]): Promise<WriteSummary> {
    await lockSegments(
      tx,
      changes.map((c) => c.segmentId),
      'shared',
    );
    const before = await lockProfiles(
      tx,
      changes.map((c) => c.profileId),
    );
    const after = new Map(before);
    for (const c of changes) {
      const current = after.get(c.profileId);
      if (!current || c.version <= current.version) continue;
      // v3: this version's snapshot came with an earlier message that was not applied here (dead-lettered, say);
      // taking this one as the version would shadow that version's cdp.profiles.changed with stale values
      if (c.snapshotOmitted) continue;
      const status = c.change === 'entered' ? 'active' : current.status;
      after.set(
        c.profileId,
        applySnapshot(current, {
          profileId: c.profileId,
          version: c.version,
          status,
          mergedInto: status === 'active' ? null : current.mergedInto,
          values: c.values || null,
          identifiers: c.identifiers,
          isTest: c.isTest,
        }),
      );
    }
    const changed = changedProfiles(before, after);
    await storeProfiles(tx, changed);
    const lastAt = new Map(changes.map((c) => [c.profileId, c.at]));
    return enqueueDeliveries(tx, { profiles: after, before, segmentIds: [...new Set(changes.map((c) => c.segmentId))] }, (plan) => {
      for (const c of changes)
        plan.membership({
          segmentId: c.segmentId,
          profileId: c.profileId,
          change: c.change,
          version: c.version,
          segmentVersion: c.segmentVersion,
          at: c.at,
        });
      for (const p of changed) plan.reconcile(p.profileId, ['profile', p.version], lastAt.get(p.profileId) ?? Date.now());
    });
  }

  async profileChanges(tx: SqlExecutor, changes: readonly ProfileChange[]): Promise<WriteSummary> {
    const before = await lockProfiles(
      tx,
      changes.map((c) => c.profileId),
    );
    const after = new Map(before);
    const at = new Map<string, number>();
    for (const c of changes) {
      const current = after.get(c.profileId);
      if (!current || c.version <= current.version) continue;
      after.set(
        c.profileId,
        applySnapshot(current, {
          profileId: c.profileId,
          version: c.version,
          status: c.status,
          mergedInto: c.mergedIntoProfileId,
          values: c.values,
          identifiers: c.identifiers,
          isTest: c.isTest,
        }),
      );
      at.set(c.profileId, c.changedAt);
    }
    const changed = changedProfiles(before, after);
    await storeProfiles(tx, changed);
    const summary = await enqueueDeliveries(tx, { profiles: after, before }, (plan) => {
      for (const p of changed) plan.reconcile(p.profileId, ['profile', p.version], at.get(p.profileId) ?? Date.now());
    });
    // an absorbed profile is in no segment any more (its removes went out above); the evaluator's exits find it gone
    const absorbed = changed.filter((p) => p.status === 'merged').map((p) => p.profileId);
    if (absorbed.length > 0) await tx.query('DELETE FROM segment_members WHERE profile_id = ANY($1::text[])', [absorbed]);
    return summary;
  }

  async computedChanges(tx: SqlExecutor, changes: readonly ComputedValuesChange[]): Promise<WriteSummary> {
    const before = await lockProfiles(
      tx,
      changes.map((c) => c.profileId),
    );
    const after = new Map(before);
    const latest = new Map<string, ComputedValuesChange>();
    for (const c of changes) {
      const current = after.get(c.profileId);
      if (!current) continue;
      after.set(c.profileId, { ...current, computed: JSON.parse(c.values) as Record<string, unknown> });
      latest.set(c.profileId, c);
    }
    const changed = changedProfiles(before, after);
    await storeProfiles(tx, changed);
    return enqueueDeliveries(tx, { profiles: after, before }, (plan) => {
      for (const p of changed) {
        const c = latest.get(p.profileId);
        if (c) plan.reconcile(p.profileId, ['computed', c.version, c.at], c.at);
      }
    });
  }
}

function changedProfiles(before: ReadonlyMap<string, ProfileState>, after: ReadonlyMap<string, ProfileState>): ProfileState[] {
  return [...after.values()].filter((p) => before.get(p.profileId) !== p);
}
