/** A source as the admin API shows it: never the write key, never its digest. */
export interface Source {
  id: string;
  name: string;
  enabled: boolean;
  /** Per-source override of the default rate limit; null means the gateway default. */
  rateLimit: { eventsPerSecond: number; burst: number } | null;
  createdAt: string;
  updatedAt: string;
  keyRotatedAt: string | null;
}

/** What a write key resolves to, cached by the authenticator. */
export interface AuthenticatedSource {
  id: string;
  enabled: boolean;
  rateLimit: { eventsPerSecond: number; burst: number } | null;
}
