import type { GroupProtocol, JoinGroupResult, SyncGroupResult } from './group-types';

/** One member of a classic group: its subscription, its assignment and the requests it is parked on. */
export class GroupMember {
  assignment: Buffer = Buffer.alloc(0);
  /** Set while the member's JoinGroup waits for the rebalance to complete. */
  joinWaiter?: (result: JoinGroupResult) => void;
  /** Set while the member's SyncGroup waits for the leader's assignment. */
  syncWaiter?: (result: SyncGroupResult) => void;
  sessionTimer?: NodeJS.Timeout;
  /** True until the member has been through one completed join (Kafka gives new members less slack). */
  isNew = true;

  constructor(
    public memberId: string,
    readonly groupInstanceId: string | null,
    public clientId: string,
    public clientHost: string,
    public sessionTimeoutMs: number,
    public rebalanceTimeoutMs: number,
    public protocolType: string,
    public protocols: GroupProtocol[],
  ) {}

  get isAwaitingJoin(): boolean {
    return this.joinWaiter !== undefined;
  }

  get isAwaitingSync(): boolean {
    return this.syncWaiter !== undefined;
  }

  metadataFor(protocolName: string): Buffer {
    const found = this.protocols.find((p) => p.name === protocolName);
    if (!found) throw new Error(`member ${this.memberId} does not support protocol ${protocolName}`);
    return found.metadata;
  }

  /** Same protocols, in the same order, with the same metadata: a rejoin that needs no rebalance. */
  hasSameProtocols(protocols: GroupProtocol[]): boolean {
    return (
      protocols.length === this.protocols.length &&
      protocols.every((p, i) => p.name === this.protocols[i].name && p.metadata.equals(this.protocols[i].metadata))
    );
  }

  resolveJoin(result: JoinGroupResult): void {
    const waiter = this.joinWaiter;
    this.joinWaiter = undefined;
    waiter?.(result);
  }

  resolveSync(result: SyncGroupResult): void {
    const waiter = this.syncWaiter;
    this.syncWaiter = undefined;
    waiter?.(result);
  }

  clearSessionTimer(): void {
    if (this.sessionTimer) clearTimeout(this.sessionTimer);
    this.sessionTimer = undefined;
  }
}
