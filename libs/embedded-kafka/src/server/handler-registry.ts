import { ApiKey } from '../protocol';
import { handleApiVersions } from './handlers/api-versions.handler';
import { handleCreateTopics } from './handlers/create-topics.handler';
import { handleDeleteTopics } from './handlers/delete-topics.handler';
import { handleDescribeConfigs } from './handlers/describe-configs.handler';
import { handleDescribeGroups } from './handlers/describe-groups.handler';
import { handleFetch } from './handlers/fetch.handler';
import { handleFindCoordinator } from './handlers/find-coordinator.handler';
import { handleHeartbeat } from './handlers/heartbeat.handler';
import { handleInitProducerId } from './handlers/init-producer-id.handler';
import { handleJoinGroup } from './handlers/join-group.handler';
import { handleLeaveGroup } from './handlers/leave-group.handler';
import { handleListGroups } from './handlers/list-groups.handler';
import { handleListOffsets } from './handlers/list-offsets.handler';
import { handleMetadata } from './handlers/metadata.handler';
import { handleOffsetCommit } from './handlers/offset-commit.handler';
import { handleOffsetFetch } from './handlers/offset-fetch.handler';
import { handleProduce } from './handlers/produce.handler';
import { handleSyncGroup } from './handlers/sync-group.handler';
import type { RequestHandler } from './request-handler';

/** One handler per API in API_VERSIONS. */
export const HANDLERS: ReadonlyMap<number, RequestHandler> = new Map<number, RequestHandler>([
  [ApiKey.ApiVersions, handleApiVersions],
  [ApiKey.Metadata, handleMetadata],
  [ApiKey.Produce, handleProduce],
  [ApiKey.Fetch, handleFetch],
  [ApiKey.ListOffsets, handleListOffsets],
  [ApiKey.FindCoordinator, handleFindCoordinator],
  [ApiKey.JoinGroup, handleJoinGroup],
  [ApiKey.SyncGroup, handleSyncGroup],
  [ApiKey.Heartbeat, handleHeartbeat],
  [ApiKey.LeaveGroup, handleLeaveGroup],
  [ApiKey.OffsetCommit, handleOffsetCommit],
  [ApiKey.OffsetFetch, handleOffsetFetch],
  [ApiKey.CreateTopics, handleCreateTopics],
  [ApiKey.DeleteTopics, handleDeleteTopics],
  [ApiKey.DescribeGroups, handleDescribeGroups],
  [ApiKey.ListGroups, handleListGroups],
  [ApiKey.DescribeConfigs, handleDescribeConfigs],
  [ApiKey.InitProducerId, handleInitProducerId],
]);
