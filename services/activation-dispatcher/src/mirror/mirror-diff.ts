import type { GateVerdict } from '../enqueue/send-gate';

export interface MirrorDiff {
  add: string[];
  remove: string[];
  /** Members that may not be sent to the destination, and are not in it: logged as suppressed adds. */
  suppressed: Array<{ profileId: string; reason: string }>;
}

/**
 * What makes a destination equal to a segment: every member that may be sent and is missing is added, everything
 * in the destination that is not a member (or may no longer be sent) is removed. Sorted, so runs are reproducible.
 */
export function mirrorDiff(
  members: ReadonlySet<string>,
  current: ReadonlySet<string>,
  verdict: (profileId: string) => GateVerdict,
): MirrorDiff {
  const diff: MirrorDiff = { add: [], remove: [], suppressed: [] };
  for (const profileId of [...members].sort()) {
    const v = verdict(profileId);
    if (v.send && !current.has(profileId)) diff.add.push(profileId);
    else if (!v.send && current.has(profileId)) diff.remove.push(profileId);
    else if (!v.send) diff.suppressed.push({ profileId, reason: v.reason });
  }
  for (const profileId of [...current].sort()) if (!members.has(profileId)) diff.remove.push(profileId);
  return diff;
}

/** The destination's contents once the deliveries still pending are applied on top of what it holds (oldest first). */
export function withPending(listed: Iterable<string>, pending: ReadonlyArray<{ profileId: string; action: string }>): Set<string> {
  const current = new Set(listed);
  for (const { profileId, action } of pending) {
    if (action === 'remove') current.delete(profileId);
    else current.add(profileId);
  }
  return current;
}
