/** Request and result shapes of the group coordinator, independent of the wire codec (handlers map them). */

export interface GroupProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinGroupParams {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  sessionTimeoutMs: number;
  /** -1 (JoinGroup v0) means "same as the session timeout", as in Kafka. */
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: GroupProtocol[];
  clientId: string;
  clientHost: string;
  /** JoinGroup v4+: an unknown member first receives MEMBER_ID_REQUIRED with its id (KIP-394). */
  requireKnownMemberId: boolean;
}

export interface JoinedMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}

export interface JoinGroupResult {
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  skipAssignment: boolean;
  memberId: string;
  members: JoinedMember[];
}

export interface SyncGroupParams {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string | null;
  protocolName: string | null;
  assignments: Array<{ memberId: string; assignment: Buffer }>;
}

export interface SyncGroupResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export interface MemberIdentity {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

export interface LeavingMember {
  memberId: string;
  groupInstanceId: string | null;
}

export interface LeaveGroupResult {
  errorCode: number;
  members: Array<{ memberId: string; groupInstanceId: string | null; errorCode: number }>;
}

export interface DescribedMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  memberMetadata: Buffer;
  memberAssignment: Buffer;
}

export interface GroupDescription {
  errorCode: number;
  groupId: string;
  groupState: string;
  protocolType: string;
  protocolData: string;
  members: DescribedMember[];
}

export interface ListedGroup {
  groupId: string;
  protocolType: string;
  groupState: string;
  groupType: string;
}

export interface CommittedOffset {
  offset: bigint;
  leaderEpoch: number;
  metadata: string | null;
}

/** The part of STORAGE's OffsetStore the coordinator needs (kept structural so tests can use a Map). */
export interface CommittedOffsetStore {
  commit(
    group: string,
    entries: Array<{ topic: string; partition: number; offset: bigint; leaderEpoch: number; metadata: string | null }>,
  ): void | Promise<void>;
  fetch(group: string): Map<string, Map<number, CommittedOffset>>;
  groups(): string[];
}
