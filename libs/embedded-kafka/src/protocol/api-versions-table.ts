import { ApiKey } from './api-keys';
import { ErrorCode } from './error-codes';

export interface ApiVersionRange {
  readonly apiKey: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
}

/**
 * The single source of truth for what we serve: the ApiVersions response is built from it and decodeRequest
 * rejects anything outside it. Minimums go as low as kafkajs 2.2.4 / librdkafka 2.x may negotiate; Produce starts
 * at v3 and Fetch at v4 because only record batch v2 is stored (no legacy message sets). Maximums are the newest
 * versions in Kafka's message definitions that our single-node semantics can honour.
 */
export const API_VERSIONS: ReadonlyArray<ApiVersionRange> = [
  { apiKey: ApiKey.Produce, name: 'Produce', minVersion: 3, maxVersion: 11 },
  { apiKey: ApiKey.Fetch, name: 'Fetch', minVersion: 4, maxVersion: 17 },
  { apiKey: ApiKey.ListOffsets, name: 'ListOffsets', minVersion: 0, maxVersion: 10 },
  { apiKey: ApiKey.Metadata, name: 'Metadata', minVersion: 0, maxVersion: 12 },
  { apiKey: ApiKey.OffsetCommit, name: 'OffsetCommit', minVersion: 0, maxVersion: 9 },
  { apiKey: ApiKey.OffsetFetch, name: 'OffsetFetch', minVersion: 0, maxVersion: 9 },
  { apiKey: ApiKey.FindCoordinator, name: 'FindCoordinator', minVersion: 0, maxVersion: 6 },
  { apiKey: ApiKey.JoinGroup, name: 'JoinGroup', minVersion: 0, maxVersion: 9 },
  { apiKey: ApiKey.Heartbeat, name: 'Heartbeat', minVersion: 0, maxVersion: 4 },
  { apiKey: ApiKey.LeaveGroup, name: 'LeaveGroup', minVersion: 0, maxVersion: 5 },
  { apiKey: ApiKey.SyncGroup, name: 'SyncGroup', minVersion: 0, maxVersion: 5 },
  { apiKey: ApiKey.DescribeGroups, name: 'DescribeGroups', minVersion: 0, maxVersion: 5 },
  { apiKey: ApiKey.ListGroups, name: 'ListGroups', minVersion: 0, maxVersion: 5 },
  { apiKey: ApiKey.ApiVersions, name: 'ApiVersions', minVersion: 0, maxVersion: 4 },
  { apiKey: ApiKey.CreateTopics, name: 'CreateTopics', minVersion: 0, maxVersion: 7 },
  { apiKey: ApiKey.DeleteTopics, name: 'DeleteTopics', minVersion: 0, maxVersion: 6 },
  { apiKey: ApiKey.InitProducerId, name: 'InitProducerId', minVersion: 0, maxVersion: 5 },
  { apiKey: ApiKey.DescribeConfigs, name: 'DescribeConfigs', minVersion: 0, maxVersion: 4 },
];

const BY_KEY = new Map(API_VERSIONS.map((entry) => [entry.apiKey, entry]));

export function supportedVersions(apiKey: number): ApiVersionRange | undefined {
  return BY_KEY.get(apiKey);
}

export function isVersionSupported(apiKey: number, apiVersion: number): boolean {
  const range = BY_KEY.get(apiKey);
  return range !== undefined && apiVersion >= range.minVersion && apiVersion <= range.maxVersion;
}

/**
 * Body of an ApiVersions response listing API_VERSIONS. Pass ErrorCode.UNSUPPORTED_VERSION (and encode as v0)
 * when the client asked for a version we do not know (KIP-511).
 */
export function apiVersionsResponseBody(errorCode: number = ErrorCode.NONE): Record<string, unknown> {
  return {
    errorCode,
    apiKeys: API_VERSIONS.map(({ apiKey, minVersion, maxVersion }) => ({ apiKey, minVersion, maxVersion })),
    throttleTimeMs: 0,
  };
}
