import type { SqlExecutor } from '@tessera/kafka';
import type { ProfileState } from '../projection/profile-state';

/** Suppression kind for an entry naming a profile id; every other kind is an identifier type. */
export const PROFILE_SUPPRESSION_KIND = 'profile_id';

/** Suppression values compare as stored: emails trimmed and lower-cased, as the resolver normalizes them. */
export function normalizeSuppressionValue(kind: string, value: string): string {
  return kind === 'email' ? value.trim().toLowerCase() : value;
}

/** What a profile is known by, for suppression lookups: its id, and each identifier as (type, value). */
export function suppressionKeys(profile: ProfileState): Array<[kind: string, value: string]> {
  const keys: Array<[string, string]> = [[PROFILE_SUPPRESSION_KIND, profile.profileId]];
  for (const [type, values] of Object.entries(profile.identifiers))
    for (const value of values) keys.push([type, normalizeSuppressionValue(type, value)]);
  return keys;
}

/** Loads the suppressions at `destinations` matching the profiles, and answers (destination, profile) -> reason or null. */
export async function suppressionIndex(
  tx: SqlExecutor,
  profiles: readonly ProfileState[],
  destinations: readonly string[],
): Promise<(destinationId: string, profile: ProfileState) => string | null> {
  const keys = profiles.flatMap(suppressionKeys);
  const entries = new Map<string, string>();
  if (keys.length > 0 && destinations.length > 0) {
    const { rows } = await tx.query<{ destination_id: string; kind: string; value: string; reason: string | null }>(
      `SELECT s.destination_id, s.kind, s.value, s.reason
         FROM suppressions s JOIN unnest($1::text[], $2::text[]) AS k(kind, value) ON s.kind = k.kind AND s.value = k.value
        WHERE s.destination_id = ANY($3::text[])`,
      [keys.map(([kind]) => kind), keys.map(([, value]) => value), destinations],
    );
    for (const r of rows) entries.set(`${r.destination_id}\u0000${r.kind}\u0000${r.value}`, r.reason ?? '');
  }
  return (destinationId, profile) => {
    for (const [kind, value] of suppressionKeys(profile)) {
      const reason = entries.get(`${destinationId}\u0000${kind}\u0000${value}`);
      if (reason !== undefined) return reason;
    }
    return null;
  };
}
