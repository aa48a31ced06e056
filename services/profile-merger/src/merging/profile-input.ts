import type { IdentityChange, ResolvedItem } from '@tessera/contracts';

/** What the merger consumes: resolved items (cdp.events.resolved) and identity changes (cdp.identity.merges). */
export type ProfileInput = { kind: 'item'; item: ResolvedItem } | { kind: 'identity_change'; change: IdentityChange };
