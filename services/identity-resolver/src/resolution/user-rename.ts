import type { ValidEvent } from '@tessera/contracts';
import { IdentifierTypes, identifierKey, type DroppedIdentifier, type Identifier } from './identifier';
import type { IdentityGraph } from './identity-graph';

/** The type a renamed user_id keeps its old value under: findable, never a second user_id. */
export const PREVIOUS_USER_ID = 'previous_user_id';

/** An alias call that names a previousId and a different userId. */
export interface RenameRequest {
  readonly previousId: string;
  readonly userId: string;
}

/** One user_id renamed to another on a profile (the alias of a known user_id: the account-transfer case). */
export interface RenameDecision {
  readonly profileId: string;
  readonly previousUserId: string;
  readonly userId: string;
}

export function renameRequestOf(event: ValidEvent): RenameRequest | undefined {
  if (event.type !== 'alias') return undefined;
  const previousId = event.previousId?.trim();
  const userId = event.userId?.trim();
  return previousId && userId && previousId !== userId ? { previousId, userId } : undefined;
}

const userId = (value: string): Identifier => ({ type: IdentifierTypes.UserId, value });
const previousUserId = (value: string): Identifier => ({ type: PREVIOUS_USER_ID, value });

/** What the graph must hold (locked and loaded) to apply renames to these identifiers: each user_id's previous_user_id twin. */
export function renameLookups(identifiers: readonly Identifier[], request: RenameRequest | undefined): Identifier[] {
  const users = identifiers.filter((identifier) => identifier.type === IdentifierTypes.UserId).map((identifier) => identifier.value);
  if (request) users.push(request.previousId);
  return users.flatMap((value) => [userId(value), previousUserId(value)]);
}

export interface RenamePlan {
  /** The item's identifiers to resolve on. */
  readonly identifiers: Identifier[];
  readonly rename: RenameDecision | undefined;
  readonly dropped: DroppedIdentifier[];
}

/**
 * Segment's alias says "previousId is now userId". When previousId is a user_id the graph knows, that is an
 * explicit rename, not an anonymous id:
 * - its profile gives up user_id:previousId, keeps it as previous_user_id:previousId, and takes user_id:userId
 *   (attached by the normal link step, to which previous_user_id:previousId leads);
 * - if userId already belongs to another profile, two known users are never merged: the rename is refused
 *   (user_id:previousId dropped as conflicting_user_id) and the call lands on userId's profile;
 * - unknown previousId: Segment's semantics, it is an anonymous id (the extractor's anonymous_id:previousId).
 * Independently of any alias, a user_id the graph knows only as a previous_user_id resolves through it, so a late
 * event from an old session reaches the renamed profile instead of re-creating the old user.
 * Changes the graph (the retyped identifier); the caller persists `rename`.
 */
export function planRename(carried: readonly Identifier[], graph: IdentityGraph, request: RenameRequest | undefined): RenamePlan {
  const dropped: DroppedIdentifier[] = [];
  const live = request && graph.profileOf(userId(request.previousId));
  const holder = live ?? (request && graph.profileOf(previousUserId(request.previousId)));
  const target = request && (graph.profileOf(userId(request.userId)) ?? graph.profileOf(previousUserId(request.userId)));
  const renaming = request !== undefined && holder !== undefined;
  // Renaming onto a value the holder once had keeps it a user_id; everywhere else a retired user_id resolves through previous_user_id.
  const keepLiteral = renaming && (target === undefined || target === holder) ? request.userId : undefined;
  let identifiers = carried.map((identifier) => {
    if (identifier.type !== IdentifierTypes.UserId || identifier.value === keepLiteral) return identifier;
    const retired = previousUserId(identifier.value);
    return graph.profileOf(identifier) === undefined && graph.profileOf(retired) !== undefined ? retired : identifier;
  });
  if (!renaming) return { identifiers, rename: undefined, dropped };

  const asAnonymous = identifierKey({ type: IdentifierTypes.AnonymousId, value: request.previousId });
  identifiers = identifiers.filter((identifier) => identifierKey(identifier) !== asAnonymous);
  if (target !== undefined && target !== holder) {
    dropped.push({ ...(live ? userId(request.previousId) : previousUserId(request.previousId)), reason: 'conflicting_user_id' });
    return { identifiers, rename: undefined, dropped };
  }
  const link = previousUserId(request.previousId);
  if (!identifiers.some((identifier) => identifierKey(identifier) === identifierKey(link))) identifiers.push(link);
  if (live === undefined) return { identifiers, rename: undefined, dropped }; // renamed before (a replayed or repeated alias)
  graph.retypeUserId(request.previousId, PREVIOUS_USER_ID);
  return { identifiers, rename: { profileId: holder, previousUserId: request.previousId, userId: request.userId }, dropped };
}
