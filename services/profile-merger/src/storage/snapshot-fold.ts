import { emptyProfileState } from '../survivorship/profile-state';
import { joinProfileState } from '../survivorship/profile-state-join';
import type { ProfileFold } from './profile-merge-writer';
import { listIdentifiers, type ProfileSnapshot } from './profile-snapshot';

/**
 * What foldProfilesInto leaves in storage, computed from the snapshots read before it instead of read back:
 * each survivor joins its absorbed profiles' states (the SQL fold is the set-based twin of joinProfileState;
 * storage-fold.int.spec proves it), and each absorbed profile is left as an empty 'merged' row pointing at its
 * survivor. `folds` must name final survivors (no survivor is absorbed in the same call). Mutates the snapshots.
 */
export function foldSnapshots(snapshots: ReadonlyMap<string, ProfileSnapshot>, folds: readonly ProfileFold[]): void {
  for (const fold of folds) {
    const survivor = snapshots.get(fold.survivorId);
    const absorbed = snapshots.get(fold.absorbedId);
    if (!survivor || !absorbed) continue;
    joinProfileState(survivor.state, absorbed.state);
    absorbed.state = emptyProfileState();
    absorbed.status = 'merged';
    absorbed.mergedInto = survivor.profileId;
    absorbed.bestEmail = null;
  }
  listIdentifiers(snapshots);
}
