import { ApiKey } from './api-keys';
import { produceRequest } from './apis/produce/request';
import { produceResponse } from './apis/produce/response';
import { fetchRequest } from './apis/fetch/request';
import { fetchResponse } from './apis/fetch/response';
import { listOffsetsRequest } from './apis/list-offsets/request';
import { listOffsetsResponse } from './apis/list-offsets/response';
import { metadataRequest } from './apis/metadata/request';
import { metadataResponse } from './apis/metadata/response';
import { offsetCommitRequest } from './apis/offset-commit/request';
import { offsetCommitResponse } from './apis/offset-commit/response';
import { offsetFetchRequest } from './apis/offset-fetch/request';
import { offsetFetchResponse } from './apis/offset-fetch/response';
import { findCoordinatorRequest } from './apis/find-coordinator/request';
import { findCoordinatorResponse } from './apis/find-coordinator/response';
import { joinGroupRequest } from './apis/join-group/request';
import { joinGroupResponse } from './apis/join-group/response';
import { heartbeatRequest } from './apis/heartbeat/request';
import { heartbeatResponse } from './apis/heartbeat/response';
import { leaveGroupRequest } from './apis/leave-group/request';
import { leaveGroupResponse } from './apis/leave-group/response';
import { syncGroupRequest } from './apis/sync-group/request';
import { syncGroupResponse } from './apis/sync-group/response';
import { describeGroupsRequest } from './apis/describe-groups/request';
import { describeGroupsResponse } from './apis/describe-groups/response';
import { listGroupsRequest } from './apis/list-groups/request';
import { listGroupsResponse } from './apis/list-groups/response';
import { apiVersionsRequest } from './apis/api-versions/request';
import { apiVersionsResponse } from './apis/api-versions/response';
import { createTopicsRequest } from './apis/create-topics/request';
import { createTopicsResponse } from './apis/create-topics/response';
import { deleteTopicsRequest } from './apis/delete-topics/request';
import { deleteTopicsResponse } from './apis/delete-topics/response';
import { initProducerIdRequest } from './apis/init-producer-id/request';
import { initProducerIdResponse } from './apis/init-producer-id/response';
import { describeConfigsRequest } from './apis/describe-configs/request';
import { describeConfigsResponse } from './apis/describe-configs/response';
import type { MessageSpec } from './schema/message-spec';
import { MessageCodec } from './schema/message-codec';

export interface ApiDefinition {
  readonly apiKey: ApiKey;
  readonly request: MessageCodec;
  readonly response: MessageCodec;
}

const TABLES: ReadonlyArray<[ApiKey, MessageSpec, MessageSpec]> = [
  [ApiKey.Produce, produceRequest, produceResponse],
  [ApiKey.Fetch, fetchRequest, fetchResponse],
  [ApiKey.ListOffsets, listOffsetsRequest, listOffsetsResponse],
  [ApiKey.Metadata, metadataRequest, metadataResponse],
  [ApiKey.OffsetCommit, offsetCommitRequest, offsetCommitResponse],
  [ApiKey.OffsetFetch, offsetFetchRequest, offsetFetchResponse],
  [ApiKey.FindCoordinator, findCoordinatorRequest, findCoordinatorResponse],
  [ApiKey.JoinGroup, joinGroupRequest, joinGroupResponse],
  [ApiKey.Heartbeat, heartbeatRequest, heartbeatResponse],
  [ApiKey.LeaveGroup, leaveGroupRequest, leaveGroupResponse],
  [ApiKey.SyncGroup, syncGroupRequest, syncGroupResponse],
  [ApiKey.DescribeGroups, describeGroupsRequest, describeGroupsResponse],
  [ApiKey.ListGroups, listGroupsRequest, listGroupsResponse],
  [ApiKey.ApiVersions, apiVersionsRequest, apiVersionsResponse],
  [ApiKey.CreateTopics, createTopicsRequest, createTopicsResponse],
  [ApiKey.DeleteTopics, deleteTopicsRequest, deleteTopicsResponse],
  [ApiKey.InitProducerId, initProducerIdRequest, initProducerIdResponse],
  [ApiKey.DescribeConfigs, describeConfigsRequest, describeConfigsResponse],
];

/** Every API we can encode and decode, by api key. Which versions we serve is API_VERSIONS' business. */
export const API_CATALOG: ReadonlyMap<number, ApiDefinition> = new Map(
  TABLES.map(([apiKey, request, response]) => [
    apiKey,
    { apiKey, request: new MessageCodec(request), response: new MessageCodec(response) },
  ]),
);
