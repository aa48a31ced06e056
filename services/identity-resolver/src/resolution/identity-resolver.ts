import { identifierKey, type DroppedIdentifier, type DropReason, type Identifier } from './identifier';
import type { IdentityGraph, ProfileState } from './identity-graph';
import type { MergeDecision, Resolution, SuspectDecision } from './resolution';
import type { RuleBook } from './rule-book';
import { planRename, type RenameRequest } from './user-rename';

export interface ResolveOptions {
  /** Id for a profile this item creates (a UUID in production, a counter in tests). */
  newProfileId: () => string;
  /** Creation time stamped on a new profile (survivor choice: the oldest profile wins). */
  now: number;
}

type Violation = { reason: DropReason; candidates: Identifier[] };

/**
 * The deterministic identity-resolution core: no I/O, it reads and changes only the in-memory graph.
 *
 * 0. An alias of a known user_id renames it (user-rename.ts); a user_id known only as a previous_user_id
 *    resolves through it.
 * 1. Blocked values (global list, per-type values and patterns) are dropped.
 * 2. With a user_id on the item, every value of a guarded type (anonymous_id, device ids, email...) records that
 *    user_id; a value seen with more than the type's maxDistinctUserIds becomes suspect, and suspect values
 *    never link again.
 * 3. The rest, most important first, is checked against the rules. While linking them would put two different
 *    user_ids in one profile, re-join profiles a manual split separated, or break a per-type limit, the lowest-priority identifier that causes it is
 *    dropped and the check runs again (Segment's behaviour, narrowed to the identifiers at fault).
 * 4. No known identifier: a new profile. One profile: attach. Several: the oldest profile (lowest createdAt,
 *    then lowest id) survives and absorbs the others; unknown identifiers are attached to it.
 */
export class IdentityResolver {
  constructor(private readonly rules: RuleBook) {}

  resolve(carried: readonly Identifier[], graph: IdentityGraph, options: ResolveOptions, renameRequest?: RenameRequest): Resolution {
    // A rename to a blocked user_id would leave the profile with none: the alias then reads as Segment's anonymous previousId.
    const request = renameRequest && !this.rules.isBlocked({ type: 'user_id', value: renameRequest.userId }) ? renameRequest : undefined;
    const plan = planRename(carried, graph, request);
    const dropped: DroppedIdentifier[] = [...plan.dropped];
    const rename = plan.rename;
    const drop = (identifier: Identifier, reason: DropReason): void => {
      dropped.push({ ...identifier, reason });
    };

    // The same identifier twice on one item is one identifier (it must not count twice against a limit).
    const distinct = [...new Map(plan.identifiers.map((identifier) => [identifierKey(identifier), identifier])).values()];
    let usable = distinct.sort(this.rules.compare).filter((identifier) => {
      if (!this.rules.isBlocked(identifier)) return true;
      drop(identifier, 'blocked_value');
      return false;
    });

    const { userLinks, newSuspects } = this.guardSharedValues(usable, graph);
    usable = usable.filter((identifier) => {
      if (!graph.isSuspect(identifier)) return true;
      drop(identifier, 'suspect_value');
      return false;
    });

    for (let violation = this.findViolation(usable, graph); violation; violation = this.findViolation(usable, graph)) {
      const victim = violation.candidates[violation.candidates.length - 1];
      usable = usable.filter((identifier) => identifier !== victim);
      drop(victim, violation.reason);
    }

    if (usable.length === 0) {
      return { profileId: undefined, createdProfile: false, linked: [], attached: [], dropped, merges: [], rename, userLinks, newSuspects };
    }
    return { ...this.link(usable, graph, options), dropped, rename, userLinks, newSuspects };
  }

  private guardSharedValues(usable: readonly Identifier[], graph: IdentityGraph): Pick<Resolution, 'userLinks' | 'newSuspects'> {
    const userLinks: Array<{ identifier: Identifier; userId: string }> = [];
    const newSuspects: SuspectDecision[] = [];
    // The item's user: its most important user_id (usable is sorted); a second one is dropped by the conflict rule.
    const userId = usable.find((identifier) => identifier.type === 'user_id')?.value;
    if (userId === undefined) return { userLinks, newSuspects };
    for (const identifier of usable) {
      const threshold = this.rules.ruleFor(identifier.type).maxDistinctUserIds;
      // A suspect value stops counting too: a kiosk seen by thousands of users must not grow identifier_user_ids forever.
      if (threshold === null || identifier.type === 'user_id' || graph.isSuspect(identifier)) continue;
      if (graph.observeUserId(identifier, userId)) userLinks.push({ identifier, userId });
      const distinct = graph.distinctUserIds(identifier);
      if (distinct > threshold && !graph.isSuspect(identifier)) {
        graph.markSuspect(identifier);
        newSuspects.push({ identifier, distinctUserIds: distinct });
      }
    }
    return { userLinks, newSuspects };
  }

  /** The first rule the current set would break, with the identifiers whose removal can fix it (most important first). */
  private findViolation(usable: readonly Identifier[], graph: IdentityGraph): Violation | undefined {
    const sources = usable.map((identifier) => graph.profileOf(identifier));
    const broughtUsers = usable.map((identifier, index) => {
      if (identifier.type === 'user_id') return new Set([identifier.value]);
      const source = sources[index];
      return source === undefined ? new Set<string>() : graph.profile(source).userIds;
    });

    // Two different user_ids are never merged: the most important identifier that brings a user decides who this is.
    const anchorUsers = broughtUsers.find((users) => users.size > 0);
    if (anchorUsers) {
      const conflicting = usable.filter((_, index) => [...broughtUsers[index]].some((user) => !anchorUsers.has(user)));
      if (conflicting.length > 0) return { reason: 'conflicting_user_id', candidates: conflicting };
    }

    // A manual split is final: the profiles it separated never merge again through later items. Profiles are
    // taken in the identifiers' priority order; one separated from a profile taken before it is at fault.
    const anchorProfile = sources.find((source) => source !== undefined);
    const accepted: string[] = [];
    const separated = usable.filter((_, index) => {
      const source = sources[index];
      if (source === undefined || accepted.includes(source)) return false;
      if (accepted.some((profile) => graph.areSeparated(profile, source))) return true;
      accepted.push(source);
      return false;
    });
    if (separated.length > 0) return { reason: 'other', candidates: separated };

    const involved = [...new Set(sources.filter((source): source is string => source !== undefined))].map((id) => graph.profile(id));
    // Every limited type the result would hold: a merge can break the email limit with an item that carries no email.
    const types = new Set([...usable.map((identifier) => identifier.type), ...involved.flatMap((profile) => [...profile.counts.keys()])]);
    for (const type of types) {
      const limit = this.rules.ruleFor(type).maxPerProfile;
      if (limit === null) continue;
      const fresh = usable.filter((identifier, index) => identifier.type === type && sources[index] === undefined);
      const total = involved.reduce((sum, profile) => sum + (profile.counts.get(type) ?? 0), 0) + fresh.length;
      if (total <= limit) continue;
      const candidates = usable.filter((identifier, index) => {
        const source = sources[index];
        if (source === undefined) return identifier.type === type;
        return source !== anchorProfile && (graph.profile(source).counts.get(type) ?? 0) > 0;
      });
      if (candidates.length > 0) return { reason: 'limit_exceeded', candidates };
    }
    return undefined;
  }

  private link(
    usable: readonly Identifier[],
    graph: IdentityGraph,
    options: ResolveOptions,
  ): Pick<Resolution, 'profileId' | 'createdProfile' | 'linked' | 'attached' | 'merges'> {
    const sources = usable.map((identifier) => graph.profileOf(identifier));
    const involved = [...new Set(sources.filter((source): source is string => source !== undefined))]
      .map((id) => graph.profile(id))
      .sort(olderFirst);

    let createdProfile = false;
    let survivor: ProfileState;
    if (involved.length === 0) {
      survivor = graph.createProfile(options.newProfileId(), options.now);
      createdProfile = true;
    } else {
      survivor = involved[0];
    }

    const merges: MergeDecision[] = [];
    for (const absorbed of involved.slice(1)) {
      const linking = usable.filter((_, index) => sources[index] === absorbed.id || sources[index] === survivor.id);
      const trigger = usable.find((_, index) => sources[index] === absorbed.id)!;
      merges.push({
        survivorProfileId: survivor.id,
        absorbedProfileId: absorbed.id,
        rule: `shared_identifier:${trigger.type}`,
        identifiers: linking,
      });
      graph.merge(survivor.id, absorbed.id);
    }

    const attached = usable.filter((_, index) => sources[index] === undefined);
    for (const identifier of attached) graph.attach(identifier, survivor.id);
    return { profileId: survivor.id, createdProfile, linked: usable, attached, merges };
  }
}

function olderFirst(a: ProfileState, b: ProfileState): number {
  if (a.createdAt !== b.createdAt) return a.createdAt - b.createdAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
