import { encode, Topics, type SegmentMembershipChangeInput } from '@tessera/contracts';

/**
 * One round of the crash tests' input: every profile enters segment `seg` on even rounds and exits on odd ones,
 * identified by `<profile>@example.com`; ready for `producer.send`.
 */
export function membershipRound(profileIds: readonly string[], round: number, at: number) {
  return {
    topic: Topics.SegmentsMembership,
    messages: profileIds.map((profileId) => {
      const change: SegmentMembershipChangeInput = {
        segmentId: 'seg',
        profileId,
        change: round % 2 === 0 ? 'entered' : 'exited',
        version: round + 1,
        segmentVersion: 1,
        identifiers: [{ type: 'email', value: `${profileId}@example.com` }],
        values: '{}',
        at,
      };
      return { key: profileId, value: encode(Topics.SegmentsMembership, change) };
    }),
  };
}
