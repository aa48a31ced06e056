import { GroupMember } from './group-member';
import { GroupState } from './group-state';
import type { GroupProtocol } from './group-types';

const VALID_PREVIOUS_STATES: Record<GroupState, GroupState[]> = {
  [GroupState.Empty]: [GroupState.PreparingRebalance],
  [GroupState.PreparingRebalance]: [GroupState.Empty, GroupState.Stable, GroupState.CompletingRebalance],
  [GroupState.CompletingRebalance]: [GroupState.PreparingRebalance],
  [GroupState.Stable]: [GroupState.CompletingRebalance],
  [GroupState.Dead]: [GroupState.Empty, GroupState.PreparingRebalance, GroupState.CompletingRebalance, GroupState.Stable, GroupState.Dead],
};

/** Membership bookkeeping of one classic group; the coordinator drives its transitions and timers. */
export class ConsumerGroup {
  state = GroupState.Empty;
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, GroupMember>();
  /** Member ids handed out with MEMBER_ID_REQUIRED that have not joined yet, with their expiry timers. */
  readonly pendingMembers = new Map<string, NodeJS.Timeout>();
  /** groupInstanceId -> current memberId of static members. */
  readonly staticMembers = new Map<string, string>();
  joinTimer?: NodeJS.Timeout;
  /** Set when a member joins during the initial rebalance delay, which then extends the delay (as Kafka does). */
  newMemberAdded = false;
  initialDelayActive = false;

  constructor(readonly groupId: string) {}

  transitionTo(next: GroupState): void {
    if (!VALID_PREVIOUS_STATES[next].includes(this.state)) {
      throw new Error(`group ${this.groupId}: illegal transition ${this.state} -> ${next}`);
    }
    this.state = next;
  }

  is(state: GroupState): boolean {
    return this.state === state;
  }

  add(member: GroupMember): void {
    if (this.members.size === 0) this.protocolType = member.protocolType;
    this.members.set(member.memberId, member);
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId);
    if (this.leaderId === null) this.leaderId = member.memberId;
  }

  remove(memberId: string): GroupMember | undefined {
    const member = this.members.get(memberId);
    if (!member) return undefined;
    member.clearSessionTimer();
    this.members.delete(memberId);
    if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === memberId) {
      this.staticMembers.delete(member.groupInstanceId);
    }
    if (this.leaderId === memberId) this.leaderId = this.members.keys().next().value ?? null;
    return member;
  }

  /** A static member rejoined with a fresh member id: move its state over, keeping its place and leadership. */
  replaceStaticMemberId(oldMemberId: string, newMemberId: string): GroupMember {
    const member = this.members.get(oldMemberId);
    if (!member) throw new Error(`group ${this.groupId}: unknown static member ${oldMemberId}`);
    this.members.delete(oldMemberId);
    member.memberId = newMemberId;
    this.members.set(newMemberId, member);
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, newMemberId);
    if (this.leaderId === oldMemberId) this.leaderId = newMemberId;
    return member;
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  /** A joining member is compatible when its type matches and it shares at least one protocol with every member. */
  supportsProtocols(protocolType: string, protocols: GroupProtocol[]): boolean {
    if (this.members.size === 0) return protocolType.length > 0 && protocols.length > 0;
    if (this.protocolType !== protocolType) return false;
    const names = new Set(protocols.map((p) => p.name));
    return [...this.candidateProtocols()].some((name) => names.has(name));
  }

  /** Protocols every member supports. */
  candidateProtocols(): Set<string> {
    let candidates: Set<string> | undefined;
    for (const member of this.members.values()) {
      const names = new Set(member.protocols.map((p) => p.name));
      candidates = candidates === undefined ? names : new Set([...candidates].filter((n) => names.has(n)));
    }
    return candidates ?? new Set();
  }

  /** Each member votes for its most preferred common protocol; the most votes wins (first seen on a tie). */
  selectProtocol(): string {
    const candidates = this.candidateProtocols();
    const votes = new Map<string, number>();
    for (const member of this.members.values()) {
      const choice = member.protocols.find((p) => candidates.has(p.name));
      if (choice) votes.set(choice.name, (votes.get(choice.name) ?? 0) + 1);
    }
    let best: string | undefined;
    for (const [name, count] of votes) if (best === undefined || count > (votes.get(best) ?? 0)) best = name;
    if (best === undefined) throw new Error(`group ${this.groupId}: no common protocol`);
    return best;
  }

  hasAllMembersJoined(): boolean {
    if (this.pendingMembers.size > 0) return false;
    for (const member of this.members.values()) if (!member.isAwaitingJoin) return false;
    return true;
  }

  /** Kafka waits for the slowest member: the largest rebalance timeout among members. */
  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const member of this.members.values()) max = Math.max(max, member.rebalanceTimeoutMs);
    return max;
  }
}
