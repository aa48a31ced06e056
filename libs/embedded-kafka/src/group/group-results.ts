import type { ConsumerGroup } from './consumer-group';
import type { GroupMember } from './group-member';
import { GroupErrorCode as E } from './group-error-codes';
import type { JoinGroupResult, SyncGroupResult } from './group-types';

/** Error answers carry no generation or protocol, as Kafka's do. */
export function joinError(errorCode: number, memberId: string): JoinGroupResult {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, memberId, members: [] };
}

export function syncError(errorCode: number): SyncGroupResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
}

/** Coordinator timers never keep the process alive on their own. */
export function unref(timer: NodeJS.Timeout): NodeJS.Timeout {
  timer.unref?.();
  return timer;
}

/** The leader alone receives every member's metadata, to compute the assignment. */
export function joinResult(group: ConsumerGroup, member: GroupMember): JoinGroupResult {
  const protocolName = group.protocolName as string;
  const isLeader = group.isLeader(member.memberId);
  return {
    errorCode: E.NONE,
    generationId: group.generationId,
    protocolType: group.protocolType,
    protocolName,
    leader: group.leaderId ?? '',
    skipAssignment: false,
    memberId: member.memberId,
    members: isLeader
      ? [...group.members.values()].map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          metadata: m.metadataFor(protocolName),
        }))
      : [],
  };
}

export function syncResult(group: ConsumerGroup, member: GroupMember): SyncGroupResult {
  return { errorCode: E.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment };
}
