import type { ResolvedItem } from '@tessera/contracts';
import { isObject, parseJsonObject, type JsonObject } from './item-context';
import { compareText } from './provenance';

/** The latest traits a group call carried for its account (Segment's group traits describe the company). */
export interface GroupTraits {
  traits: JsonObject;
  occurredAt: number;
  sourceId: string;
  messageId: string;
}

/** A profile's membership of one group (account): when it was first and last seen in it, and the group's latest traits. */
export interface GroupMembership {
  groupId: string;
  firstSeen: number;
  lastSeen: number;
  /** null until a group call of this profile carries traits. */
  latest: GroupTraits | null;
}

/** Newest first, then the greatest (message id, source id): two group calls never tie. */
function newer(a: GroupTraits, b: GroupTraits): boolean {
  if (a.occurredAt !== b.occurredAt) return a.occurredAt > b.occurredAt;
  return (compareText(a.messageId, b.messageId) || compareText(a.sourceId, b.sourceId)) > 0;
}

/**
 * The membership a group call records; null for every other item. Traits that are absent, not an object or
 * empty say nothing about the account and never replace the latest ones.
 */
export function observeGroupMembership(item: ResolvedItem): GroupMembership | null {
  const event = item.event;
  const groupId = event?.type === 'group' ? event.groupId?.trim() : undefined;
  if (!event || !groupId) return null;
  const traits = parseJsonObject(event.traits);
  const latest =
    traits && isObject(traits) && Object.keys(traits).length > 0
      ? { traits, occurredAt: item.occurredAt, sourceId: item.sourceId, messageId: item.messageId }
      : null;
  return { groupId, firstSeen: item.occurredAt, lastSeen: item.occurredAt, latest };
}

/** Commutative and associative (min, max, newest traits), like the rest of the profile fold. */
export function joinGroupMembership(a: GroupMembership, b: GroupMembership): GroupMembership {
  const latest = !a.latest ? b.latest : !b.latest ? a.latest : newer(b.latest, a.latest) ? b.latest : a.latest;
  return { groupId: a.groupId, firstSeen: Math.min(a.firstSeen, b.firstSeen), lastSeen: Math.max(a.lastSeen, b.lastSeen), latest };
}

/** profile id -> group id -> membership, folded over the given items placed on their profiles. */
export function foldGroupMemberships(
  placed: Iterable<{ profileId: string; item: ResolvedItem }>,
): Map<string, Map<string, GroupMembership>> {
  const byProfile = new Map<string, Map<string, GroupMembership>>();
  for (const { profileId, item } of placed) {
    const observed = observeGroupMembership(item);
    if (!observed) continue;
    let groups = byProfile.get(profileId);
    if (!groups) byProfile.set(profileId, (groups = new Map()));
    const current = groups.get(observed.groupId);
    groups.set(observed.groupId, current ? joinGroupMembership(current, observed) : observed);
  }
  return byProfile;
}
