/**
 * The contract between the activation dispatcher and the systems it delivers to. Plain TypeScript, no Nest: the
 * dispatcher decides what to send and when (queues, retries, breakers, the delivery log); an adapter only knows how
 * one kind of destination takes a batch, and says what happened in terms the dispatcher can act on.
 */

export type DestinationKind = 'webhook' | 'file' | 'kafka' | 'meta_audience' | 'google_customer_match';

/**
 * Kinds that hold people as hashed emails and phone numbers (ad audiences), not as profile ids: profiles that share
 * an email are one entry there, and a member's new email or phone reaches the audience only when it is sent.
 */
export const IDENTIFIER_MATCHED_KINDS: ReadonlySet<DestinationKind> = new Set(['meta_audience', 'google_customer_match']);

/** add/remove follow segment enters and exits; upsert carries the member's mapped fields whenever the profile changes. */
export type DeliveryAction = 'add' | 'remove' | 'upsert';

/** One record about one person, as a sync's field mapping shaped it. Identifiers are raw: adapters hash what their platform wants hashed. */
export interface DeliveryItem {
  /** Stable across attempts and restarts; receivers deduplicate on it. */
  deliveryId: string;
  profileId: string;
  action: DeliveryAction;
  segmentId?: string;
  syncId: string;
  /** ISO-8601: when the membership change or profile change happened. */
  occurredAt: string;
  /** Raw identifier values by type (email, phone, user_id, ...), from the latest profile state. */
  identifiers: Record<string, string[]>;
  /** Mapped traits, computed traits and identifiers under the names the sync's mapping gives them. */
  fields: Record<string, unknown>;
}

export interface DeliveryBatch {
  /** Stable across every attempt of this batch: the webhook-id and Idempotency-Key. */
  batchId: string;
  destinationId: string;
  items: DeliveryItem[];
}

/**
 * What one attempt achieved. `partial` lists the items the destination refused for good (terminal) and the items it
 * did not take this time (retry); everything else in the batch was delivered.
 */
export type SendResult =
  | { outcome: 'delivered'; status?: number; note?: string }
  | { outcome: 'retry'; error: string; status?: number; retryAfterMs?: number }
  | { outcome: 'terminal'; error: string; status?: number }
  | { outcome: 'auth_failed'; error: string; status?: number }
  | { outcome: 'partial'; status?: number; rejected: ItemRejection[]; retry: string[]; retryAfterMs?: number; note?: string };

export interface ItemRejection {
  deliveryId: string;
  error: string;
}

export interface SendContext {
  /** Aborted when the dispatcher gives up on the attempt (timeout, shutdown). */
  signal: AbortSignal;
}

export interface DestinationAdapter {
  readonly kind: DestinationKind;
  /** The largest batch the destination takes in one call (Meta: 10,000). */
  readonly maxBatchSize: number;
  send(batch: DeliveryBatch, context: SendContext): Promise<SendResult>;
  /** Destinations that can list their contents expose it, so a mirror sync diffs against the truth. */
  listMembers?(audienceKey: string, context: SendContext): Promise<string[]>;
  close?(): Promise<void>;
}

/** Config is what the API returns; secrets are write-only and never leave the dispatcher. */
export interface DestinationSpec {
  destinationId: string;
  kind: DestinationKind;
  config: Record<string, unknown>;
  secrets: Record<string, string>;
}

/** A problem with a destination's config, at a JSON Pointer into the API body (`/config/url`), for a 400. */
export interface ConfigProblem {
  path: string;
  message: string;
}

/** Every kind the dispatcher can deliver to: validates a spec for the API, and builds its adapter. */
export interface DestinationCatalog {
  readonly kinds: readonly DestinationKind[];
  /** Problems with the config and secrets for a 400 (empty when the spec is valid). */
  validate(kind: string, config: unknown, secrets: unknown): ConfigProblem[];
  create(spec: DestinationSpec): DestinationAdapter;
}
