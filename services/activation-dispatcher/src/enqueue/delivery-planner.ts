import type { DeliveryAction, DeliveryItem } from '@tessera/destinations';
import type { ProfileState } from '../projection/profile-state';
import { deliveryId } from './delivery-id';
import { mapFields, mappedFieldsChanged, type FieldMapping } from './field-mapping';
import { sendGate, type DestinationGate, type GateVerdict } from './send-gate';

export type SyncMode = 'add_remove' | 'upsert' | 'mirror';

/** The identifier types audiences match people on (matchKeys in libs/destinations). */
const MATCHED_TYPES = ['email', 'phone'] as const;

/** An enabled sync with what its destination requires. */
export interface SyncTarget extends DestinationGate {
  syncId: string;
  segmentId: string;
  mode: SyncMode;
  mapping: FieldMapping;
  /** The destination holds people as hashed emails and phones (IDENTIFIER_MATCHED_KINDS), not as profile ids. */
  matchesByIdentifiers: boolean;
}

export interface MembershipEvent {
  segmentId: string;
  profileId: string;
  change: 'entered' | 'exited';
  version: number;
  segmentVersion: number;
  at: number;
}

/** One `deliveries` row to insert: pending for the worker, or suppressed with its reason. */
export interface PlannedDelivery {
  deliveryId: string;
  destinationId: string;
  syncId: string;
  profileId: string;
  segmentId: string | null;
  action: DeliveryAction;
  status: 'pending' | 'suppressed';
  reason: string | null;
  payload: DeliveryItem;
}

/** What the planner reads: the slice's profiles, the syncs that concern them, memberships and what each sync was sent. */
export interface PlanContext {
  syncs: readonly SyncTarget[];
  /** The latest state of every profile the plan may touch. */
  profiles: ReadonlyMap<string, ProfileState>;
  /** Their state before this transaction (an upsert sync sends when its mapped fields changed). */
  before: ReadonlyMap<string, ProfileState>;
  /** memberKey(segment, profile) of the current segment members among those profiles. */
  members: ReadonlySet<string>;
  /** presentKey(sync, profile) -> whether the last thing enqueued for that pair put the profile in the destination. */
  present: ReadonlyMap<string, boolean>;
  /** The reason of the suppression entry matching the profile at the destination, '' without one, null if none matches. */
  suppression(destinationId: string, profile: ProfileState): string | null;
}

export const memberKey = (segmentId: string, profileId: string): string => `${segmentId}\u0000${profileId}`;
export const presentKey = (syncId: string, profileId: string): string => `${syncId}\u0000${profileId}`;

/**
 * Decides the deliveries of a transaction, with no I/O: membership changes (enter -> add, or upsert; exit ->
 * remove where the profile was sent an add) and the reconciliation of profiles whose state changed (consent
 * withdrawn, suppressed, merged or turned out to be test traffic -> a remove where it was present and its pending
 * sends suppressed; allowed again while a member -> the add it never got; an upsert sync's mapped fields changed ->
 * an upsert). Blocked sends become suppressed rows with the reason, never nothing.
 */
export class DeliveryPlanner {
  readonly deliveries: PlannedDelivery[] = [];
  /** presentKey -> the sync_members row to write. */
  readonly presence = new Map<string, { syncId: string; profileId: string; present: boolean }>();
  /** memberKey -> the segment_members change to write (entered rows carry the version and instant). */
  readonly memberships = new Map<string, { segmentId: string; profileId: string; entered: boolean; segmentVersion: number; at: number }>();
  /** (destination, profile) whose pending adds and upserts must become suppressed, with the reason. */
  readonly suppressPending = new Map<string, { destinationId: string; profileId: string; reason: string }>();

  private readonly bySegment = new Map<string, SyncTarget[]>();
  private readonly members: Set<string>;
  private readonly sentHere = new Set<string>();

  constructor(private readonly context: PlanContext) {
    for (const sync of context.syncs) {
      const list = this.bySegment.get(sync.segmentId) ?? [];
      if (list.length === 0) this.bySegment.set(sync.segmentId, list);
      list.push(sync);
    }
    this.members = new Set(context.members);
  }

  membership(event: MembershipEvent): void {
    const key = memberKey(event.segmentId, event.profileId);
    if (event.change === 'entered') this.members.add(key);
    else this.members.delete(key);
    this.memberships.set(key, {
      segmentId: event.segmentId,
      profileId: event.profileId,
      entered: event.change === 'entered',
      segmentVersion: event.segmentVersion,
      at: event.at,
    });
    const profile = this.context.profiles.get(event.profileId);
    if (!profile) return;
    const identity = ['membership', event.segmentId, event.profileId, event.change, event.version, event.at];
    for (const sync of this.bySegment.get(event.segmentId) ?? []) {
      if (sync.mode === 'mirror') continue;
      const present = this.isPresent(sync, profile.profileId);
      if (event.change === 'exited') {
        if (sync.mode === 'add_remove' && present) this.remove(sync, profile, identity, event.at);
        continue;
      }
      if (sync.mode === 'add_remove' && present) continue;
      this.enqueue(sync, profile, sync.mode === 'upsert' ? 'upsert' : 'add', this.verdict(sync, profile), identity, event.at);
    }
  }

  /** Re-checks every sync that concerns the profile against its latest state; `trigger` makes the delivery ids, `at` their time. */
  reconcile(profileId: string, trigger: ReadonlyArray<string | number>, at: number, onlyDestination?: string): void {
    const profile = this.context.profiles.get(profileId);
    if (!profile) return;
    const before = this.context.before.get(profileId) ?? profile;
    const identity = ['reconcile', profileId, ...trigger];
    for (const sync of this.context.syncs) {
      if (onlyDestination !== undefined && sync.destinationId !== onlyDestination) continue;
      const member = this.members.has(memberKey(sync.segmentId, profileId));
      const present = this.isPresent(sync, profileId);
      if (!member && !present) continue;
      const verdict = this.verdict(sync, profile);
      if (!verdict.send) {
        this.suppressPending.set(presentKey(sync.destinationId, profileId), {
          destinationId: sync.destinationId,
          profileId,
          reason: verdict.reason,
        });
        if (present) this.remove(sync, profile, identity, at, `removed: ${verdict.reason}`);
        continue;
      }
      if (!member || sync.mode === 'mirror') continue;
      if (!present) this.enqueue(sync, profile, sync.mode === 'upsert' ? 'upsert' : 'add', verdict, identity, at);
      else if (!this.sentHere.has(presentKey(sync.syncId, profileId)) && this.worthResending(sync, before, profile)) {
        this.enqueue(sync, profile, sync.mode === 'upsert' ? 'upsert' : 'add', verdict, identity, at);
      }
    }
  }

  /**
   * An upsert sync resends when a mapped field changed; an audience also when the member's email or phone (the
   * first of each, what the platforms match on) changed, or it would never learn them: a new address, or those a
   * merge brought.
   */
  private worthResending(sync: SyncTarget, before: ProfileState, profile: ProfileState): boolean {
    if (sync.mode === 'upsert' && mappedFieldsChanged(sync.mapping, before, profile)) return true;
    return sync.matchesByIdentifiers && MATCHED_TYPES.some((type) => before.identifiers[type]?.[0] !== profile.identifiers[type]?.[0]);
  }

  /**
   * Takes a present profile out of a sync's destination. An audience holds a merged profile and its survivor as one
   * entry (the survivor now holds its email and phone), so while the survivor is there the remove is not sent,
   * and the log says why.
   */
  private remove(sync: SyncTarget, profile: ProfileState, identity: ReadonlyArray<string | number>, at: number, note?: string): void {
    const survivor = profile.status === 'merged' ? profile.mergedInto : null;
    if (!sync.matchesByIdentifiers || survivor === null || !this.isPresent(sync, survivor)) {
      this.enqueue(sync, profile, 'remove', { send: true }, identity, at, note);
      return;
    }
    const reason = `not removed: merged into ${survivor}, which the audience holds with this profile's email and phone`;
    this.enqueue(sync, profile, 'remove', { send: false, reason }, identity, at);
    const key = presentKey(sync.syncId, profile.profileId);
    this.presence.set(key, { syncId: sync.syncId, profileId: profile.profileId, present: false });
  }

  /** A delivery decided elsewhere (a mirror's diff), checked and recorded like the others. */
  enqueue(
    sync: SyncTarget,
    profile: ProfileState,
    action: DeliveryAction,
    verdict: GateVerdict,
    identity: ReadonlyArray<string | number>,
    at: number,
    note?: string,
  ): void {
    const id = deliveryId([sync.syncId, profile.profileId, action, ...identity]);
    const payload: DeliveryItem = {
      deliveryId: id,
      profileId: profile.profileId,
      action,
      segmentId: sync.segmentId,
      syncId: sync.syncId,
      occurredAt: new Date(at).toISOString(),
      identifiers: profile.identifiers,
      fields: mapFields(sync.mapping, profile),
    };
    const status = verdict.send ? 'pending' : 'suppressed';
    this.deliveries.push({
      deliveryId: id,
      destinationId: sync.destinationId,
      syncId: sync.syncId,
      profileId: profile.profileId,
      segmentId: sync.segmentId,
      action,
      status,
      reason: verdict.send ? (note ?? null) : verdict.reason,
      payload,
    });
    if (!verdict.send) return;
    const key = presentKey(sync.syncId, profile.profileId);
    this.sentHere.add(key);
    this.presence.set(key, { syncId: sync.syncId, profileId: profile.profileId, present: action !== 'remove' });
  }

  verdict(sync: SyncTarget, profile: ProfileState): GateVerdict {
    return sendGate(profile, sync, this.context.suppression(sync.destinationId, profile));
  }

  isPresent(sync: SyncTarget, profileId: string): boolean {
    const key = presentKey(sync.syncId, profileId);
    return this.presence.get(key)?.present ?? this.context.present.get(key) ?? false;
  }

  isMember(segmentId: string, profileId: string): boolean {
    return this.members.has(memberKey(segmentId, profileId));
  }
}
