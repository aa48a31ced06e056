/** The dispatcher's view of one profile: the latest state it has seen, which every send is checked against. */
export interface ProfileState {
  profileId: string;
  /** 0: never seen (a row created by a lock). */
  version: number;
  status: 'active' | 'merged';
  mergedInto: string | null;
  /** The flat segmentable values of cdp.profiles.changed (traits.<name>, email, revenue_total ...), consent excluded. */
  traits: Record<string, unknown>;
  /** Raw identifier values by type, in the order the profile lists them. */
  identifiers: Record<string, string[]>;
  /** Consent category (lower case) -> granted; an absent category is no recorded choice. */
  consent: Record<string, boolean>;
  /** computed.<key> and prediction.<name> values from cdp.profiles.computed. */
  computed: Record<string, unknown>;
  isTest: boolean;
}

/** What cdp.profiles.changed and cdp.segments.membership both carry about a profile at a version. */
export interface ProfileSnapshot {
  profileId: string;
  version: number;
  status: 'active' | 'merged';
  mergedInto: string | null;
  /** JSON text of the segmentable values (absent or empty: the message carried none). */
  values: string | null;
  identifiers: ReadonlyArray<{ type: string; value: string }>;
  isTest: boolean;
}

const CONSENT_PREFIX = 'consent.';

export function emptyProfile(profileId: string): ProfileState {
  return {
    profileId,
    version: 0,
    status: 'active',
    mergedInto: null,
    traits: {},
    identifiers: {},
    consent: {},
    computed: {},
    isTest: false,
  };
}

/** The state a snapshot describes; computed values are not part of it and carry over from `before`. */
export function applySnapshot(before: ProfileState, snapshot: ProfileSnapshot): ProfileState {
  const values = snapshot.values ? (JSON.parse(snapshot.values) as Record<string, unknown>) : null;
  const traits: Record<string, unknown> = {};
  const consent: Record<string, boolean> = {};
  for (const [name, value] of Object.entries(values ?? {})) {
    if (name.startsWith(CONSENT_PREFIX)) {
      if (typeof value === 'boolean') consent[name.slice(CONSENT_PREFIX.length).toLowerCase()] = value;
    } else {
      traits[name] = value;
    }
  }
  const identifiers: Record<string, string[]> = {};
  for (const { type, value } of snapshot.identifiers) (identifiers[type] ??= []).push(value);
  // an absorbed profile's snapshot may list no identifiers any more; its removes still need the ones it was sent with
  const keepIdentifiers = snapshot.identifiers.length === 0 && (snapshot.status === 'merged' || !values);
  return {
    profileId: snapshot.profileId,
    version: snapshot.version,
    status: snapshot.status,
    mergedInto: snapshot.mergedInto,
    traits: values ? traits : before.traits,
    identifiers: keepIdentifiers ? before.identifiers : identifiers,
    consent: values ? consent : before.consent,
    computed: before.computed,
    isTest: snapshot.isTest,
  };
}
