import { GroupCoordinator } from './group-coordinator';
import { GroupErrorCode as E } from './group-error-codes';
import { GroupState } from './group-state';
import type { CommittedOffsetStore, GroupDescription, ListedGroup } from './group-types';

/** DescribeGroups and ListGroups: live groups from the coordinator plus groups that only have committed offsets. */
export class GroupDescriber {
  constructor(
    private readonly coordinator: GroupCoordinator,
    private readonly store: CommittedOffsetStore,
  ) {}

  describe(groupId: string): GroupDescription {
    const group = this.coordinator.group(groupId);
    if (!group) {
      // Kafka answers an unknown group with state Dead and no error; a group known only by its offsets is Empty.
      const state = this.store.groups().includes(groupId) ? GroupState.Empty : GroupState.Dead;
      return {
        errorCode: E.NONE,
        groupId,
        groupState: state,
        protocolType: state === GroupState.Empty ? 'consumer' : '',
        protocolData: '',
        members: [],
      };
    }
    const stable = group.is(GroupState.Stable);
    const protocolName = group.protocolName;
    return {
      errorCode: E.NONE,
      groupId,
      groupState: group.state,
      protocolType: group.protocolType ?? '',
      // Only a stable group has a settled protocol and assignments worth showing (as in Kafka's GroupSummary).
      protocolData: stable ? (protocolName ?? '') : '',
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: stable && protocolName !== null ? m.metadataFor(protocolName) : Buffer.alloc(0),
        memberAssignment: stable ? m.assignment : Buffer.alloc(0),
      })),
    };
  }

  list(statesFilter: string[] = [], typesFilter: string[] = []): ListedGroup[] {
    const listed = new Map<string, ListedGroup>();
    for (const groupId of this.store.groups()) {
      listed.set(groupId, { groupId, protocolType: 'consumer', groupState: GroupState.Empty, groupType: 'classic' });
    }
    for (const group of this.coordinator.allGroups()) {
      if (group.is(GroupState.Dead)) continue;
      const protocolType = group.protocolType ?? listed.get(group.groupId)?.protocolType ?? '';
      listed.set(group.groupId, { groupId: group.groupId, protocolType, groupState: group.state, groupType: 'classic' });
    }
    const states = new Set(statesFilter.map((s) => s.toLowerCase()));
    const types = new Set(typesFilter.map((t) => t.toLowerCase()));
    return [...listed.values()].filter(
      (g) => (states.size === 0 || states.has(g.groupState.toLowerCase())) && (types.size === 0 || types.has(g.groupType)),
    );
  }
}
