import { IDENTIFIER_MATCHED_KINDS, type DestinationKind } from '@tessera/destinations';
import type { SqlExecutor } from '@tessera/kafka';
import type { ProfileState } from '../projection/profile-state';
import { memberKey, presentKey, type PlanContext, type SyncTarget } from './delivery-planner';
import { suppressionIndex } from './suppression-index';

type SyncRecord = {
  sync_id: string;
  segment_id: string;
  destination_id: string;
  mode: SyncTarget['mode'];
  mapping: SyncTarget['mapping'];
  required_consent: string[];
  kind: DestinationKind;
};

/** The enabled syncs (of live destinations) matching a WHERE condition on `s`, with what their destination requires. */
export async function loadSyncTargets(tx: SqlExecutor, where: string, values: unknown[]): Promise<SyncTarget[]> {
  const { rows } = await tx.query<SyncRecord>(
    `SELECT s.sync_id, s.segment_id, s.destination_id, s.mode, s.mapping, d.required_consent, d.kind
       FROM syncs s JOIN destinations d ON d.destination_id = s.destination_id AND d.deleted_at IS NULL
      WHERE s.deleted_at IS NULL AND s.enabled AND (${where})
      ORDER BY s.sync_id`,
    values,
  );
  return rows.map((r) => ({
    syncId: r.sync_id,
    segmentId: r.segment_id,
    destinationId: r.destination_id,
    mode: r.mode,
    mapping: r.mapping,
    requiredConsent: r.required_consent,
    matchesByIdentifiers: IDENTIFIER_MATCHED_KINDS.has(r.kind),
  }));
}

/**
 * Everything the planner needs about locked profiles: the syncs of the segments they are in (or that `segmentIds`
 * names) and the syncs they were sent to, their memberships, their sync_members rows and matching suppressions.
 */
export async function loadPlanContext(
  tx: SqlExecutor,
  profiles: ReadonlyMap<string, ProfileState>,
  before: ReadonlyMap<string, ProfileState>,
  segmentIds: readonly string[] = [],
): Promise<PlanContext> {
  const ids = [...profiles.keys()];
  // a merged profile's survivor: whether an audience holds it decides whether the merged one's remove is sent
  const survivors = [...profiles.values()].flatMap((p) => (p.status === 'merged' && p.mergedInto ? [p.mergedInto] : []));
  const syncs = await loadSyncTargets(
    tx,
    `s.segment_id = ANY($1::text[])
     OR s.segment_id IN (SELECT segment_id FROM segment_members WHERE profile_id = ANY($2::text[]))
     OR s.sync_id IN (SELECT sync_id FROM sync_members WHERE profile_id = ANY($2::text[]) AND present)`,
    [segmentIds, ids],
  );
  // the memberships and what each sync was last sent, in one round trip (present is null for a membership row)
  const rows = await tx.query<{ segment_id: string | null; sync_id: string | null; profile_id: string; present: boolean | null }>(
    `SELECT segment_id, NULL AS sync_id, profile_id, NULL::boolean AS present FROM segment_members WHERE profile_id = ANY($1::text[])
     UNION ALL
     SELECT NULL, sync_id, profile_id, present FROM sync_members WHERE profile_id = ANY($1::text[] || $2::text[])`,
    [ids, survivors],
  );
  const members = new Set<string>();
  const present = new Map<string, boolean>();
  for (const r of rows.rows) {
    if (r.present === null) members.add(memberKey(r.segment_id!, r.profile_id));
    else present.set(presentKey(r.sync_id!, r.profile_id), r.present);
  }
  return {
    syncs,
    profiles,
    before,
    members,
    present,
    suppression: await suppressionIndex(tx, [...profiles.values()], [...new Set(syncs.map((s) => s.destinationId))]),
  };
}
