import type { ProfileState } from '../projection/profile-state';

/** What a send to one destination depends on besides the profile. */
export interface DestinationGate {
  destinationId: string;
  /** Consent categories (lower case) the profile must have granted, e.g. marketing for an ad audience. */
  requiredConsent: readonly string[];
}

export type GateVerdict = { send: true } | { send: false; reason: string };

/**
 * Whether anything may be sent about a profile to a destination now, checked against the latest state seen:
 * an absorbed profile no longer exists on its own, test profiles never reach a destination, every required
 * consent category must be granted (no recorded choice is not consent), and the destination's suppression list.
 * `suppression` is the matching entry's reason, if the profile is on that list.
 */
export function sendGate(profile: ProfileState, destination: DestinationGate, suppression: string | null): GateVerdict {
  if (profile.status === 'merged') return { send: false, reason: `profile merged into ${profile.mergedInto ?? 'another profile'}` };
  if (profile.isTest) return { send: false, reason: 'test profile: test profiles never reach a destination' };
  for (const category of destination.requiredConsent) {
    const choice = Object.hasOwn(profile.consent, category) ? profile.consent[category] : undefined;
    if (choice === false) return { send: false, reason: `consent ${category} denied` };
    if (choice !== true) return { send: false, reason: `consent ${category} not granted (no choice recorded)` };
  }
  if (suppression !== null) return { send: false, reason: `on the destination's suppression list${suppression ? `: ${suppression}` : ''}` };
  return { send: true };
}
