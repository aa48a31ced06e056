import type { ContractTopic } from './generated';

/** Topic names, the one place services, the dev stack and deploy files take them from. */
export const Topics = {
  EventsRaw: 'cdp.events.raw',
  RecordsRaw: 'cdp.records.raw',
  EventsValid: 'cdp.events.valid',
  RecordsValid: 'cdp.records.valid',
  EventsRejected: 'cdp.events.rejected',
  EventsResolved: 'cdp.events.resolved',
  IdentityMerges: 'cdp.identity.merges',
  ProfilesChanged: 'cdp.profiles.changed',
  SegmentsMembership: 'cdp.segments.membership',
  ProfilesComputed: 'cdp.profiles.computed',
  ActivationDeliveries: 'cdp.activation.deliveries',
} as const satisfies Record<string, ContractTopic>;

export type TopicName = (typeof Topics)[keyof typeof Topics];

export type CleanupPolicy = 'delete' | 'compact';

export interface TopicSpec {
  readonly name: TopicName;
  /**
   * Fixed at creation: adding partitions later remaps keys and breaks per-key order. 6 lets six consumer
   * instances share a flow and stays light for the embedded broker on a 2-core dev machine; 3 is for
   * low-volume audit streams.
   */
  readonly partitions: number;
  readonly cleanupPolicy: CleanupPolicy;
  /** retention.ms; null keeps the broker default (compacted topics keep the latest value per key). */
  readonly retentionMs: number | null;
  /** What the message key is; per-key order is what consumers may rely on. */
  readonly key: string;
  /** Folder of the topic's .avsc versions, relative to the repository root. */
  readonly schemaFolder: string;
  readonly producedBy: readonly string[];
  readonly consumedBy: readonly string[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

function spec(name: TopicName, rest: Omit<TopicSpec, 'name' | 'schemaFolder'>): TopicSpec {
  return { name, schemaFolder: `libs/contracts/schemas/${name}`, ...rest };
}

/** Every topic, in pipeline order. */
export const TOPIC_SPECS: readonly TopicSpec[] = [
  spec(Topics.EventsRaw, {
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 7 * DAY_MS,
    key: 'best identifier: userId, else anonymousId, else messageId',
    producedBy: ['ingest-gateway', 'validation (replay)'],
    consumedBy: ['validation'],
  }),
  spec(Topics.RecordsRaw, {
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 7 * DAY_MS,
    key: 'sourceId:recordId',
    producedBy: ['ingest-gateway', 'connectors', 'validation (replay)'],
    consumedBy: ['validation'],
  }),
  spec(Topics.EventsValid, {
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 7 * DAY_MS,
    key: 'best identifier: userId, else anonymousId',
    producedBy: ['validation'],
    consumedBy: ['identity-resolver'],
  }),
  spec(Topics.RecordsValid, {
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 7 * DAY_MS,
    key: 'sourceId:recordId',
    producedBy: ['validation'],
    consumedBy: ['identity-resolver'],
  }),
  spec(Topics.EventsRejected, {
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: 30 * DAY_MS,
    key: 'sourceId when known, else the original key',
    producedBy: ['every consuming service'],
    consumedBy: ['validation (rejections store)'],
  }),
  spec(Topics.EventsResolved, {
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 7 * DAY_MS,
    key: 'profileId',
    producedBy: ['identity-resolver'],
    consumedBy: ['profile-merger'],
  }),
  spec(Topics.IdentityMerges, {
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: 30 * DAY_MS,
    key: 'survivorProfileId',
    producedBy: ['identity-resolver'],
    consumedBy: ['profile-merger'],
  }),
  spec(Topics.ProfilesChanged, {
    // Compacted: each message is a full snapshot of the segmentable fields, so the latest per profile suffices.
    partitions: 6,
    cleanupPolicy: 'compact',
    retentionMs: null,
    key: 'profileId',
    producedBy: ['profile-merger'],
    consumedBy: ['segment-evaluator'],
  }),
  spec(Topics.SegmentsMembership, {
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 7 * DAY_MS,
    key: 'profileId',
    producedBy: ['segment-evaluator'],
    consumedBy: ['activation-dispatcher'],
  }),
  spec(Topics.ProfilesComputed, {
    // Not compacted: each message lists only what changed, so the latest per profile is not a snapshot.
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 7 * DAY_MS,
    key: 'profileId',
    producedBy: ['segment-evaluator'],
    consumedBy: [],
  }),
  spec(Topics.ActivationDeliveries, {
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: 7 * DAY_MS,
    key: 'profileId',
    producedBy: ['activation-dispatcher'],
    consumedBy: [],
  }),
];

export function topicSpec(name: TopicName): TopicSpec {
  const found = TOPIC_SPECS.find((t) => t.name === name);
  if (!found) throw new RangeError(`unknown topic ${name}`);
  return found;
}
