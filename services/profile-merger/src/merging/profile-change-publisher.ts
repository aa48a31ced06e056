import { encode, Topics } from '@tessera/contracts';
import type { ApplyContext } from '@tessera/kafka';
import type { ProfileSnapshot } from '../storage/profile-snapshot';
import type { MoneyContext } from '../survivorship/lifetime-value';
import { changedFieldNames, segmentableValues } from '../survivorship/segmentable-values';

export interface ProfileChangeCause {
  causingMessageId: string | null;
  changedAt: number;
}

/** `money`: the rates read in the slice's transaction; revenue_total is the lifetime value at those rates. */
export function valuesOf(snapshot: ProfileSnapshot | undefined, money: MoneyContext): Record<string, unknown> {
  if (!snapshot || snapshot.status === 'merged') return {};
  return segmentableValues(snapshot.state, snapshot.bestEmail, money);
}

/** What a profile looked like before the slice: its segmentable values, status, test label and identifiers. */
export interface BeforeImage {
  values: Record<string, unknown>;
  status: 'active' | 'merged';
  isTest: boolean;
  identifiers: string;
}

/** The identifiers a change message lists, as one comparable text (a merged profile lists none). */
const identifiersKey = (snapshot: ProfileSnapshot): string =>
  snapshot.status === 'merged' ? '' : snapshot.identifiers.map((identifier) => `${identifier.type}:${identifier.value}`).join('\n');

/** Built only from test traffic: test items add no values, so this label is all that tells segments about them. */
const isTestProfile = (snapshot: ProfileSnapshot): boolean => snapshot.state.itemCount > 0 && !snapshot.state.hasNonTestItem;

export function beforeImages(snapshots: ReadonlyMap<string, ProfileSnapshot>, money: MoneyContext): Map<string, BeforeImage> {
  return new Map(
    [...snapshots].map(([id, snapshot]) => [
      id,
      {
        values: valuesOf(snapshot, money),
        status: snapshot.status,
        isTest: isTestProfile(snapshot),
        identifiers: identifiersKey(snapshot),
      },
    ]),
  );
}

/**
 * Compares profiles before and after a slice and stages one cdp.profiles.changed per profile whose segmentable
 * values or status changed, with a bumped version, in the slice's transaction (so it is published exactly when
 * the change commits). Returns how many were staged.
 */
export async function publishProfileChanges<T>(
  ctx: ApplyContext<T>,
  before: ReadonlyMap<string, BeforeImage>,
  after: ReadonlyMap<string, ProfileSnapshot>,
  money: MoneyContext,
  causeOf: (profileId: string) => ProfileChangeCause,
  /** Profiles whose version this transaction already bumped once (writeProfileDeltas); `after` holds the old one. */
  bumped: ReadonlySet<string> = new Set(),
): Promise<number> {
  const changes: Array<{ snapshot: ProfileSnapshot; values: Record<string, unknown>; changedFields: string[] }> = [];
  for (const [profileId, snapshot] of [...after].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const previous = before.get(profileId);
    const values = valuesOf(snapshot, money);
    const changedFields = changedFieldNames(previous?.values ?? {}, values);
    const statusChanged = (previous?.status ?? 'active') !== snapshot.status;
    // Test items change no values, yet may bring identifiers (or merge two test-only profiles): still a change.
    const testLabelChanged = (previous?.isTest ?? false) !== isTestProfile(snapshot);
    const identifiersChanged = (previous?.identifiers ?? '') !== identifiersKey(snapshot);
    if (changedFields.length > 0 || statusChanged || testLabelChanged || identifiersChanged)
      changes.push({ snapshot, values, changedFields });
  }
  if (changes.length === 0) return 0;
  const toBump = changes.map((change) => change.snapshot.profileId).filter((profileId) => !bumped.has(profileId));
  const { rows } =
    toBump.length === 0
      ? { rows: [] }
      : await ctx.tx.query<{ profile_id: string; version: string }>(
          'UPDATE profiles SET version = version + 1 WHERE profile_id = ANY($1::text[]) RETURNING profile_id, version',
          [toBump],
        );
  const versions = new Map(rows.map((row) => [row.profile_id, Number(row.version)]));
  for (const { snapshot, values, changedFields } of changes) {
    const cause = causeOf(snapshot.profileId);
    ctx.emit(Topics.ProfilesChanged, {
      key: snapshot.profileId,
      value: encode(Topics.ProfilesChanged, {
        profileId: snapshot.profileId,
        version: versions.get(snapshot.profileId) ?? snapshot.version + 1,
        status: snapshot.status,
        mergedIntoProfileId: snapshot.mergedInto,
        changedFields,
        values: JSON.stringify(values),
        identifiers: snapshot.status === 'merged' ? [] : snapshot.identifiers,
        isTest: isTestProfile(snapshot),
        causingMessageId: cause.causingMessageId,
        changedAt: cause.changedAt,
      }),
    });
  }
  return changes.length;
}
