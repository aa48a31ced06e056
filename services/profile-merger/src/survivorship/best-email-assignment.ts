import { compareSetRank, compareText, type Provenance } from './provenance';

export interface EmailObservation {
  email: string;
  profileId: string;
  /** The best observation of this email on this profile. */
  provenance: Provenance;
}

/** email -> the profile that holds it as an `email` identifier (the resolver's word: whom lookup answers). */
export type EmailHolders = ReadonlyMap<string, string>;

function beats(a: EmailObservation, b: EmailObservation, holders: EmailHolders): boolean {
  const holder = holders.get(a.email);
  const held = Number(b.profileId === holder) - Number(a.profileId === holder);
  return (held || compareSetRank(a.provenance, b.provenance) || compareText(a.profileId, b.profileId)) < 0;
}

/**
 * The 1:1 best-email rule (after Amperity's Email Ampid Assignment):
 * 1. each email is owned by the profile that holds it as an `email` identifier, so bestEmail agrees with the
 *    lookup by email (two accounts sharing an email: the resolver gave the identifier to one, and that one owns
 *    it); an email no profile holds is owned by the profile with its best observation: highest priority, then
 *    the newest, then the greatest message id, then the smallest profile id;
 * 2. a profile's best email is the best-observed email among those it owns, or none.
 * So an email is the best email of at most one profile, and the answer does not depend on arrival order.
 * The SQL in ProfileStore implements the same two steps.
 */
export function assignBestEmails(observations: readonly EmailObservation[], holders: EmailHolders = new Map()): Map<string, string> {
  const owners = new Map<string, EmailObservation>();
  for (const observation of observations) {
    const current = owners.get(observation.email);
    if (!current || beats(observation, current, holders)) owners.set(observation.email, observation);
  }
  const best = new Map<string, EmailObservation>();
  for (const owned of owners.values()) {
    const current = best.get(owned.profileId);
    if (!current || (compareSetRank(owned.provenance, current.provenance) || compareText(owned.profileId, current.profileId)) < 0)
      best.set(owned.profileId, owned);
  }
  return new Map([...best].map(([profileId, observation]) => [profileId, observation.email]));
}
