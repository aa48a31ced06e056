import { identifierKey, type Identifier } from './identifier';

/** What the resolver needs to know about a live profile: its age (survivor choice) and what it holds. */
export interface ProfileState {
  readonly id: string;
  /** Epoch ms of creation; the oldest profile survives a merge (ties: lowest id). */
  readonly createdAt: number;
  /** Identifiers held, per type (for the per-profile limits). */
  readonly counts: Map<string, number>;
  /** user_id values held (normally at most one). */
  readonly userIds: Set<string>;
  /** Profiles a manual split separated from this one: they never merge with it again. Ids as loaded; compare via liveId. */
  readonly separatedFrom: Set<string>;
}

/**
 * The part of the identity graph one batch works on, in memory: identifier -> profile, live profiles,
 * user_ids seen with guarded values, and suspect values. The persistence layer loads it for a slice and writes
 * the resolutions back; the property test uses it alone as the whole graph. Absorbed profiles redirect to their
 * survivor (union-find style), so a merge costs O(1) however many identifiers the absorbed profile holds.
 */
export class IdentityGraph {
  private readonly owners = new Map<string, string>();
  private readonly profiles = new Map<string, ProfileState>();
  private readonly absorbedInto = new Map<string, string>();
  private readonly userLinks = new Map<string, Set<string>>();
  private readonly suspects = new Set<string>();

  // ---- loading (from the database, or building state in tests)

  loadProfile(state: ProfileState): void {
    this.profiles.set(state.id, state);
  }

  loadIdentifier(identifier: Identifier, profileId: string): void {
    this.owners.set(identifierKey(identifier), profileId);
  }

  loadUserLinks(identifier: Identifier, userIds: Iterable<string>): void {
    this.userLinks.set(identifierKey(identifier), new Set(userIds));
  }

  loadSuspect(identifier: Identifier): void {
    this.suspects.add(identifierKey(identifier));
  }

  // ---- reading

  /** The live profile that holds the identifier, following merges; undefined when unknown. */
  profileOf(identifier: Identifier): string | undefined {
    const owner = this.owners.get(identifierKey(identifier));
    return owner === undefined ? undefined : this.liveId(owner);
  }

  profile(id: string): ProfileState {
    const state = this.profiles.get(this.liveId(id));
    if (!state) throw new Error(`profile ${id} is not loaded in the identity graph`);
    return state;
  }

  liveId(id: string): string {
    let current = id;
    for (let next = this.absorbedInto.get(current); next !== undefined; next = this.absorbedInto.get(current)) current = next;
    return current;
  }

  /** True when a split separated the two live profiles (or profiles they absorbed since). */
  areSeparated(a: string, b: string): boolean {
    const [liveA, liveB] = [this.liveId(a), this.liveId(b)];
    const separated = (from: string, to: string) => [...this.profile(from).separatedFrom].some((other) => this.liveId(other) === to);
    return separated(liveA, liveB) || separated(liveB, liveA);
  }

  isSuspect(identifier: Identifier): boolean {
    return this.suspects.has(identifierKey(identifier));
  }

  distinctUserIds(identifier: Identifier): number {
    return this.userLinks.get(identifierKey(identifier))?.size ?? 0;
  }

  liveProfileIds(): string[] {
    return [...this.profiles.keys()];
  }

  /** Every identifier with its live profile (the partition the property test compares). */
  assignments(): Array<{ key: string; profileId: string }> {
    return [...this.owners.entries()].map(([key, owner]) => ({ key, profileId: this.liveId(owner) }));
  }

  // ---- changing

  createProfile(id: string, createdAt: number): ProfileState {
    const state: ProfileState = { id, createdAt, counts: new Map(), userIds: new Set(), separatedFrom: new Set() };
    this.profiles.set(id, state);
    return state;
  }

  attach(identifier: Identifier, profileId: string): void {
    const live = this.profile(profileId);
    this.owners.set(identifierKey(identifier), live.id);
    live.counts.set(identifier.type, (live.counts.get(identifier.type) ?? 0) + 1);
    if (identifier.type === 'user_id') live.userIds.add(identifier.value);
  }

  merge(survivorId: string, absorbedId: string): void {
    const survivor = this.profile(survivorId);
    const absorbed = this.profile(absorbedId);
    for (const [type, count] of absorbed.counts) survivor.counts.set(type, (survivor.counts.get(type) ?? 0) + count);
    for (const userId of absorbed.userIds) survivor.userIds.add(userId);
    for (const other of absorbed.separatedFrom) survivor.separatedFrom.add(other);
    this.profiles.delete(absorbed.id);
    this.absorbedInto.set(absorbed.id, survivor.id);
  }

  /**
   * A rename: user_id:value stops being a user_id of its profile and is kept under `asType` (previous_user_id),
   * still pointing to the profile. Its profile holds no user_id afterwards until the new one is attached.
   */
  retypeUserId(value: string, asType: string): void {
    const key = identifierKey({ type: 'user_id', value });
    const owner = this.owners.get(key);
    if (owner === undefined) return;
    const live = this.profile(owner);
    this.owners.delete(key);
    this.owners.set(identifierKey({ type: asType, value }), live.id);
    live.userIds.delete(value);
    live.counts.set('user_id', Math.max(0, (live.counts.get('user_id') ?? 1) - 1));
    live.counts.set(asType, (live.counts.get(asType) ?? 0) + 1);
  }

  /** Records that the value was seen together with a user_id; true when that pair is new. */
  observeUserId(identifier: Identifier, userId: string): boolean {
    const key = identifierKey(identifier);
    let seen = this.userLinks.get(key);
    if (!seen) this.userLinks.set(key, (seen = new Set()));
    if (seen.has(userId)) return false;
    seen.add(userId);
    return true;
  }

  markSuspect(identifier: Identifier): void {
    this.suspects.add(identifierKey(identifier));
  }
}
