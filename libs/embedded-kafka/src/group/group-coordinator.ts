import { randomUUID } from 'node:crypto';
import { ConsumerGroup } from './consumer-group';
import { DEFAULT_GROUP_COORDINATOR_OPTIONS, type GroupCoordinatorOptions } from './group-coordinator-options';
import { GroupErrorCode as E } from './group-error-codes';
import { GroupMember } from './group-member';
import { GroupState } from './group-state';
import { joinError, joinResult, syncError, syncResult, unref } from './group-results';
import type {
  JoinGroupParams,
  JoinGroupResult,
  LeaveGroupResult,
  LeavingMember,
  MemberIdentity,
  SyncGroupParams,
  SyncGroupResult,
} from './group-types';

/**
 * Kafka's classic group coordinator (GroupCoordinator.scala) for one broker that coordinates every group:
 * JoinGroup parks until the rebalance completes, SyncGroup parks until the leader sends the assignments,
 * and session/rebalance timers evict members that stop talking.
 */
export class GroupCoordinator {
  private readonly groups = new Map<string, ConsumerGroup>();
  private readonly options: GroupCoordinatorOptions;

  constructor(options: Partial<GroupCoordinatorOptions> = {}) {
    this.options = { ...DEFAULT_GROUP_COORDINATOR_OPTIONS, ...options };
  }

  group(groupId: string): ConsumerGroup | undefined {
    return this.groups.get(groupId);
  }

  allGroups(): ConsumerGroup[] {
    return [...this.groups.values()];
  }

  join(params: JoinGroupParams): Promise<JoinGroupResult> {
    const { groupId, memberId, sessionTimeoutMs } = params;
    if (!groupId) return Promise.resolve(joinError(E.INVALID_GROUP_ID, memberId));
    if (sessionTimeoutMs < this.options.minSessionTimeoutMs || sessionTimeoutMs > this.options.maxSessionTimeoutMs) {
      return Promise.resolve(joinError(E.INVALID_SESSION_TIMEOUT, memberId));
    }
    let group = this.groups.get(groupId);
    if (!group) {
      // A member id the coordinator never issued cannot join a group that does not exist.
      if (memberId !== '') return Promise.resolve(joinError(E.UNKNOWN_MEMBER_ID, memberId));
      group = new ConsumerGroup(groupId);
      this.groups.set(groupId, group);
    }
    if (group.is(GroupState.Dead)) return Promise.resolve(joinError(E.COORDINATOR_NOT_AVAILABLE, memberId));
    if (!group.supportsProtocols(params.protocolType, params.protocols)) {
      return Promise.resolve(joinError(E.INCONSISTENT_GROUP_PROTOCOL, memberId));
    }
    const normalized = { ...params, rebalanceTimeoutMs: params.rebalanceTimeoutMs < 0 ? sessionTimeoutMs : params.rebalanceTimeoutMs };
    return memberId === '' ? this.joinUnknownMember(group, normalized) : this.joinKnownMember(group, normalized);
  }

  sync(params: SyncGroupParams): Promise<SyncGroupResult> {
    const group = this.groups.get(params.groupId);
    const fail = (errorCode: number) => Promise.resolve(syncError(errorCode));
    if (!group) return fail(E.UNKNOWN_MEMBER_ID);
    if (group.is(GroupState.Dead)) return fail(E.COORDINATOR_NOT_AVAILABLE);
    const memberError = this.validateMember(group, params.memberId, params.groupInstanceId);
    if (memberError !== E.NONE) return fail(memberError);
    if (params.generationId !== group.generationId) return fail(E.ILLEGAL_GENERATION);
    if (
      (params.protocolType !== null && params.protocolType !== group.protocolType) ||
      (params.protocolName !== null && params.protocolName !== group.protocolName)
    ) {
      return fail(E.INCONSISTENT_GROUP_PROTOCOL);
    }
    const member = group.members.get(params.memberId) as GroupMember;
    switch (group.state) {
      case GroupState.Empty:
        return fail(E.UNKNOWN_MEMBER_ID);
      case GroupState.PreparingRebalance:
        return fail(E.REBALANCE_IN_PROGRESS);
      case GroupState.Stable:
        this.scheduleSessionExpiry(group, member);
        return Promise.resolve(syncResult(group, member));
      case GroupState.CompletingRebalance:
        return new Promise((resolve) => {
          member.resolveSync(syncError(E.REBALANCE_IN_PROGRESS));
          member.syncWaiter = resolve;
          if (group.isLeader(member.memberId)) this.completeSync(group, params.assignments);
        });
      default:
        return fail(E.COORDINATOR_NOT_AVAILABLE);
    }
  }

  heartbeat(identity: MemberIdentity): number {
    const group = this.groups.get(identity.groupId);
    if (!group) return E.UNKNOWN_MEMBER_ID;
    if (group.is(GroupState.Dead)) return E.COORDINATOR_NOT_AVAILABLE;
    if (group.is(GroupState.Empty)) return E.UNKNOWN_MEMBER_ID;
    const memberError = this.validateMember(group, identity.memberId, identity.groupInstanceId);
    if (memberError !== E.NONE) return memberError;
    if (identity.generationId !== group.generationId) return E.ILLEGAL_GENERATION;
    this.scheduleSessionExpiry(group, group.members.get(identity.memberId) as GroupMember);
    return group.is(GroupState.PreparingRebalance) ? E.REBALANCE_IN_PROGRESS : E.NONE;
  }

  leave(groupId: string, leaving: LeavingMember[]): LeaveGroupResult {
    const group = this.groups.get(groupId);
    if (!group) {
      return { errorCode: E.NONE, members: leaving.map((m) => ({ ...m, errorCode: E.UNKNOWN_MEMBER_ID })) };
    }
    if (group.is(GroupState.Dead)) return { errorCode: E.COORDINATOR_NOT_AVAILABLE, members: [] };
    const members = leaving.map((m) => ({ ...m, errorCode: this.leaveOne(group, m) }));
    return { errorCode: E.NONE, members };
  }

  /**
   * OffsetCommit checks of ClassicGroup.validateOffsetCommit: a "simple" commit (generation -1, no member) is only
   * allowed while the group has no members; members must be current and not mid-rebalance.
   */
  validateOffsetCommit(identity: MemberIdentity): number {
    const { generationId, memberId, groupInstanceId } = identity;
    const group = this.groups.get(identity.groupId);
    const isSimple = generationId < 0 && memberId === '' && groupInstanceId === null;
    if (!group) return isSimple ? E.NONE : E.ILLEGAL_GENERATION;
    if (group.is(GroupState.Dead)) return E.COORDINATOR_NOT_AVAILABLE;
    if (!isSimple) {
      const memberError = this.validateMember(group, memberId, groupInstanceId);
      if (memberError !== E.NONE) return memberError;
      if (generationId !== group.generationId) return E.ILLEGAL_GENERATION;
    } else if (!group.is(GroupState.Empty)) {
      return E.UNKNOWN_MEMBER_ID;
    }
    if (group.is(GroupState.CompletingRebalance)) return E.REBALANCE_IN_PROGRESS;
    const member = group.members.get(memberId);
    if (member) this.scheduleSessionExpiry(group, member);
    return E.NONE;
  }

  /** Stops every timer and answers parked requests so nothing outlives the broker. */
  shutdown(): void {
    for (const group of this.groups.values()) {
      if (group.joinTimer) clearTimeout(group.joinTimer);
      for (const timer of group.pendingMembers.values()) clearTimeout(timer);
      for (const member of group.members.values()) {
        member.clearSessionTimer();
        member.resolveJoin(joinError(E.COORDINATOR_NOT_AVAILABLE, member.memberId));
        member.resolveSync(syncError(E.COORDINATOR_NOT_AVAILABLE));
      }
      group.state = GroupState.Dead;
    }
    this.groups.clear();
  }

  private joinUnknownMember(group: ConsumerGroup, params: JoinGroupParams): Promise<JoinGroupResult> {
    const { groupInstanceId } = params;
    const newMemberId = `${groupInstanceId ?? params.clientId}-${randomUUID()}`;
    if (groupInstanceId !== null) {
      const existingId = group.staticMembers.get(groupInstanceId);
      if (existingId !== undefined) return this.rejoinStaticMember(group, existingId, newMemberId, params);
    } else if (params.requireKnownMemberId) {
      // KIP-394: hand out the id first, so a client that times out and retries does not leave a ghost member.
      this.addPendingMember(group, newMemberId, params.sessionTimeoutMs);
      return Promise.resolve(joinError(E.MEMBER_ID_REQUIRED, newMemberId));
    }
    if (this.isFull(group)) return Promise.resolve(joinError(E.GROUP_MAX_SIZE_REACHED, ''));
    return this.addMemberAndRebalance(group, newMemberId, params);
  }

  private joinKnownMember(group: ConsumerGroup, params: JoinGroupParams): Promise<JoinGroupResult> {
    const { memberId } = params;
    if (group.pendingMembers.has(memberId)) {
      clearTimeout(group.pendingMembers.get(memberId));
      group.pendingMembers.delete(memberId);
      if (this.isFull(group)) return Promise.resolve(joinError(E.GROUP_MAX_SIZE_REACHED, memberId));
      return this.addMemberAndRebalance(group, memberId, params);
    }
    const memberError = this.validateMember(group, memberId, params.groupInstanceId);
    if (memberError !== E.NONE) return Promise.resolve(joinError(memberError, memberId));
    const member = group.members.get(memberId) as GroupMember;
    switch (group.state) {
      case GroupState.PreparingRebalance:
        return this.updateMemberAndRebalance(group, member, params);
      case GroupState.CompletingRebalance:
        // A join retried after a lost response: answer with the current generation instead of rebalancing.
        if (member.hasSameProtocols(params.protocols)) return Promise.resolve(joinResult(group, member));
        return this.updateMemberAndRebalance(group, member, params);
      case GroupState.Stable:
        if (group.isLeader(memberId) || !member.hasSameProtocols(params.protocols)) {
          return this.updateMemberAndRebalance(group, member, params);
        }
        return Promise.resolve(joinResult(group, member));
      default:
        return Promise.resolve(joinError(E.UNKNOWN_MEMBER_ID, memberId));
    }
  }

  private rejoinStaticMember(
    group: ConsumerGroup,
    oldMemberId: string,
    newMemberId: string,
    params: JoinGroupParams,
  ): Promise<JoinGroupResult> {
    const old = group.members.get(oldMemberId) as GroupMember;
    // The previous incarnation of this instance is fenced: its parked requests learn it lost the identity.
    old.resolveJoin(joinError(E.FENCED_INSTANCE_ID, oldMemberId));
    old.resolveSync(syncError(E.FENCED_INSTANCE_ID));
    const member = group.replaceStaticMemberId(oldMemberId, newMemberId);
    member.clientId = params.clientId;
    member.clientHost = params.clientHost;
    if (group.is(GroupState.Stable) && member.hasSameProtocols(params.protocols)) {
      // Static membership's point: a restarted instance gets its old assignment back without a rebalance.
      this.scheduleSessionExpiry(group, member);
      return Promise.resolve(joinResult(group, member));
    }
    return this.updateMemberAndRebalance(group, member, params);
  }

  private addMemberAndRebalance(group: ConsumerGroup, memberId: string, params: JoinGroupParams): Promise<JoinGroupResult> {
    const member = new GroupMember(
      memberId,
      params.groupInstanceId,
      params.clientId,
      params.clientHost,
      params.sessionTimeoutMs,
      params.rebalanceTimeoutMs,
      params.protocolType,
      params.protocols,
    );
    const joined = new Promise<JoinGroupResult>((resolve) => (member.joinWaiter = resolve));
    group.add(member);
    if (group.is(GroupState.PreparingRebalance) && group.generationId === 0) group.newMemberAdded = true;
    this.maybePrepareRebalance(group);
    return joined;
  }

  private updateMemberAndRebalance(group: ConsumerGroup, member: GroupMember, params: JoinGroupParams): Promise<JoinGroupResult> {
    member.protocols = params.protocols;
    member.sessionTimeoutMs = params.sessionTimeoutMs;
    member.rebalanceTimeoutMs = params.rebalanceTimeoutMs;
    member.resolveJoin(joinError(E.REBALANCE_IN_PROGRESS, member.memberId));
    const joined = new Promise<JoinGroupResult>((resolve) => (member.joinWaiter = resolve));
    this.maybePrepareRebalance(group);
    return joined;
  }

  private maybePrepareRebalance(group: ConsumerGroup): void {
    if (group.is(GroupState.PreparingRebalance)) {
      this.tryCompleteJoin(group);
      return;
    }
    if (group.is(GroupState.CompletingRebalance)) {
      // The leader's assignment for the old membership is void: send everyone back to join.
      for (const member of group.members.values()) member.resolveSync(syncError(E.REBALANCE_IN_PROGRESS));
    }
    const wasEmpty = group.is(GroupState.Empty);
    group.transitionTo(GroupState.PreparingRebalance);
    if (wasEmpty && this.options.initialRebalanceDelayMs > 0) {
      this.startInitialDelay(group);
    } else {
      group.joinTimer = this.schedule(() => this.completeJoin(group), group.rebalanceTimeoutMs());
      this.tryCompleteJoin(group);
    }
  }

  /** group.initial.rebalance.delay.ms: wait for more members before the first generation, extending while they arrive. */
  private startInitialDelay(group: ConsumerGroup): void {
    const delay = this.options.initialRebalanceDelayMs;
    let remaining = Math.max(group.rebalanceTimeoutMs() - delay, 0);
    group.initialDelayActive = true;
    group.newMemberAdded = false;
    const fire = () => {
      if (group.newMemberAdded && remaining > 0) {
        group.newMemberAdded = false;
        const next = Math.min(delay, remaining);
        remaining -= next;
        group.joinTimer = this.schedule(fire, next);
        return;
      }
      group.initialDelayActive = false;
      this.completeJoin(group);
    };
    group.joinTimer = this.schedule(fire, delay);
  }

  private tryCompleteJoin(group: ConsumerGroup): void {
    if (group.is(GroupState.PreparingRebalance) && !group.initialDelayActive && group.hasAllMembersJoined()) {
      this.completeJoin(group);
    }
  }

  private completeJoin(group: ConsumerGroup): void {
    if (!group.is(GroupState.PreparingRebalance)) return;
    if (group.joinTimer) clearTimeout(group.joinTimer);
    group.joinTimer = undefined;
    group.initialDelayActive = false;
    for (const member of [...group.members.values()]) {
      if (!member.isAwaitingJoin) group.remove(member.memberId);
    }
    group.generationId += 1;
    if (group.members.size === 0) {
      group.protocolName = null;
      group.transitionTo(GroupState.Empty);
      return;
    }
    group.protocolName = group.selectProtocol();
    group.transitionTo(GroupState.CompletingRebalance);
    for (const member of group.members.values()) {
      member.assignment = Buffer.alloc(0);
      member.resolveJoin(joinResult(group, member));
      member.isNew = false;
      this.scheduleSessionExpiry(group, member);
    }
  }

  private completeSync(group: ConsumerGroup, assignments: SyncGroupParams['assignments']): void {
    const byMember = new Map(assignments.map((a) => [a.memberId, a.assignment]));
    group.transitionTo(GroupState.Stable);
    for (const member of group.members.values()) {
      member.assignment = byMember.get(member.memberId) ?? Buffer.alloc(0);
      member.resolveSync(syncResult(group, member));
      this.scheduleSessionExpiry(group, member);
    }
  }

  private leaveOne(group: ConsumerGroup, leaving: LeavingMember): number {
    if (leaving.groupInstanceId === null && group.pendingMembers.has(leaving.memberId)) {
      clearTimeout(group.pendingMembers.get(leaving.memberId));
      group.pendingMembers.delete(leaving.memberId);
      this.tryCompleteJoin(group);
      return E.NONE;
    }
    let memberId = leaving.memberId;
    if (leaving.groupInstanceId !== null) {
      const current = group.staticMembers.get(leaving.groupInstanceId);
      if (current === undefined) return E.UNKNOWN_MEMBER_ID;
      if (memberId !== '' && memberId !== current) return E.FENCED_INSTANCE_ID;
      memberId = current;
    }
    if (!group.members.has(memberId)) return E.UNKNOWN_MEMBER_ID;
    this.removeMemberAndUpdateGroup(group, memberId);
    return E.NONE;
  }

  private removeMemberAndUpdateGroup(group: ConsumerGroup, memberId: string): void {
    const member = group.remove(memberId);
    if (!member) return;
    member.resolveJoin(joinError(E.UNKNOWN_MEMBER_ID, memberId));
    member.resolveSync(syncError(E.UNKNOWN_MEMBER_ID));
    if (group.is(GroupState.Stable) || group.is(GroupState.CompletingRebalance)) this.maybePrepareRebalance(group);
    else if (group.is(GroupState.PreparingRebalance)) this.tryCompleteJoin(group);
  }

  private addPendingMember(group: ConsumerGroup, memberId: string, sessionTimeoutMs: number): void {
    const timer = this.schedule(() => {
      group.pendingMembers.delete(memberId);
      this.tryCompleteJoin(group);
    }, sessionTimeoutMs);
    group.pendingMembers.set(memberId, timer);
  }

  /** Session expiry; members parked in JoinGroup or SyncGroup are alive by definition (Kafka's shouldKeepAlive). */
  private scheduleSessionExpiry(group: ConsumerGroup, member: GroupMember): void {
    member.clearSessionTimer();
    member.sessionTimer = this.schedule(() => {
      member.sessionTimer = undefined;
      if (group.members.get(member.memberId) !== member) return;
      if ((member.isAwaitingJoin && !member.isNew) || member.isAwaitingSync) this.scheduleSessionExpiry(group, member);
      else this.removeMemberAndUpdateGroup(group, member.memberId);
    }, member.sessionTimeoutMs);
  }

  /** Coordinator timers: unref'd, and a throw inside one is reported instead of crashing the process. */
  private schedule(callback: () => void, delayMs: number): NodeJS.Timeout {
    return unref(
      setTimeout(() => {
        try {
          callback();
        } catch (error) {
          (this.options.onTimerError ?? reportToStderr)(error);
        }
      }, delayMs),
    );
  }

  private validateMember(group: ConsumerGroup, memberId: string, groupInstanceId: string | null): number {
    if (groupInstanceId !== null) {
      const current = group.staticMembers.get(groupInstanceId);
      if (current === undefined) return E.UNKNOWN_MEMBER_ID;
      if (current !== memberId) return E.FENCED_INSTANCE_ID;
    }
    return group.members.has(memberId) ? E.NONE : E.UNKNOWN_MEMBER_ID;
  }

  private isFull(group: ConsumerGroup): boolean {
    return this.options.maxGroupSize !== undefined && group.members.size >= this.options.maxGroupSize;
  }
}

function reportToStderr(error: unknown): void {
  process.stderr.write(`group coordinator timer failed: ${error instanceof Error ? error.stack : String(error)}\n`);
}
