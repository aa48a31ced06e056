import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { DestinationCatalog } from '@tessera/destinations';
import { inTransaction, type SqlExecutor } from '@tessera/kafka';
import type { Registry } from '@tessera/observability';
import { METRICS_REGISTRY, SERVICE_PG_POOL } from '@tessera/service-kit';
import type { Pool } from 'pg';
import { randomUUID } from 'node:crypto';
import { DESTINATION_CATALOG } from '../catalog/destination-catalog.token';
import { DeliveryPlanner, memberKey, presentKey, type SyncTarget } from '../enqueue/delivery-planner';
import { writePlan } from '../enqueue/delivery-writer';
import { loadSyncTargets } from '../enqueue/plan-context.loader';
import { suppressionIndex } from '../enqueue/suppression-index';
import { DeliveryWorker } from '../delivery/delivery.worker';
import { DestinationRepository } from '../destinations/destination-repository';
import { lockProfiles } from '../projection/profile-store';
import { lockSegments } from '../projection/segment-lock';
import { mirrorMetrics, type MirrorMetrics } from './metrics';
import { mirrorDiff, withPending } from './mirror-diff';

interface PendingDelivery {
  seq: string;
  profileId: string;
  action: string;
}

export interface MirrorReport {
  syncId: string;
  runId: string;
  /** destination: the adapter listed its contents; last_sent: what Tessera last sent (sync_members). */
  source: 'destination' | 'last_sent';
  members: number;
  added: number;
  removed: number;
  suppressed: number;
}

const LIST_TIMEOUT_MS = 60_000;

/**
 * The mirror of a sync: diffs the segment's members (the projection) against the destination's contents (listed by
 * the adapter when it can, else the last state Tessera sent, with pending deliveries applied on top either way)
 * and enqueues exactly the adds and removes that make them equal, in one transaction under the profiles' locks.
 */
@Injectable()
export class MirrorService {
  private readonly metrics: MirrorMetrics;

  constructor(
    @Inject(SERVICE_PG_POOL) private readonly pool: Pool,
    @Inject(DESTINATION_CATALOG) private readonly catalog: DestinationCatalog,
    private readonly destinations: DestinationRepository,
    private readonly worker: DeliveryWorker,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.metrics = mirrorMetrics(registry);
  }

  /** `lastSentOnly`: never ask the destination (a new sync's first diff: only adds). */
  async run(syncId: string, lastSentOnly = false): Promise<MirrorReport> {
    const sync = (await loadSyncTargets(this.pool, 's.sync_id = $1', [syncId]))[0];
    if (!sync) throw new NotFoundException(`no enabled sync ${syncId} with a live destination`);
    // A delivery pending when the listing starts may land while it runs and be marked delivered before the diff
    // reads the pending ones: read them before the listing too, so such a delivery counts as listed or as pending.
    const pendingBeforeListing = lastSentOnly ? [] : await this.pendingDeliveries(this.pool, sync.syncId);
    const listed = lastSentOnly ? null : await this.listDestination(sync);
    const runId = randomUUID();
    const report = await inTransaction(this.pool, async (tx): Promise<MirrorReport> => {
      await lockSegments(tx, [sync.segmentId], 'exclusive');
      // read, lock those profiles, read again: a consumer slice that changed one of them in between has committed by
      // then, and a profile that appeared meanwhile is the consumer's to handle, not this diff's
      const first = await this.sides(tx, sync, listed, pendingBeforeListing);
      const profiles = await lockProfiles(tx, [...first.members, ...first.current]);
      const locked = await this.sides(tx, sync, listed, pendingBeforeListing);
      const members = new Set([...locked.members].filter((id) => profiles.has(id)));
      const current = new Set([...locked.current].filter((id) => profiles.has(id)));
      const planner = new DeliveryPlanner({
        syncs: [sync],
        profiles,
        before: profiles,
        members: new Set([...members].map((id) => memberKey(sync.segmentId, id))),
        present: new Map([...current].map((id) => [presentKey(syncId, id), true])),
        suppression: await suppressionIndex(tx, [...profiles.values()], [sync.destinationId]),
      });
      const now = Date.now();
      const state = (id: string) => {
        const profile = profiles.get(id);
        if (!profile) throw new Error(`profile ${id} was not locked`);
        return profile;
      };
      const diff = mirrorDiff(members, current, (id) => planner.verdict(sync, state(id)));
      for (const id of diff.add)
        planner.enqueue(sync, state(id), sync.mode === 'upsert' ? 'upsert' : 'add', { send: true }, ['mirror', runId], now);
      for (const id of diff.remove) planner.enqueue(sync, state(id), 'remove', { send: true }, ['mirror', runId], now);
      // a member that stays blocked is logged once per profile version, not once per run
      for (const { profileId, reason } of diff.suppressed)
        planner.enqueue(sync, state(profileId), 'add', { send: false, reason }, ['mirror-suppressed', state(profileId).version], now);
      const changed = new Set([...diff.add, ...diff.remove]);
      for (const id of members)
        if (current.has(id) && !changed.has(id)) planner.presence.set(presentKey(syncId, id), { syncId, profileId: id, present: true });
      await writePlan(tx, planner);
      await tx.query('UPDATE syncs SET last_mirrored_at = now() WHERE sync_id = $1', [syncId]);
      return {
        syncId,
        runId,
        source: listed ? 'destination' : 'last_sent',
        members: members.size,
        added: diff.add.length,
        removed: diff.remove.length,
        suppressed: diff.suppressed.length,
      };
    });
    if (report.added + report.removed > 0) this.worker.wake(sync.destinationId);
    this.metrics.runs.inc({ source: report.source });
    this.metrics.enqueued.inc({ action: 'add' }, report.added);
    this.metrics.enqueued.inc({ action: 'remove' }, report.removed);
    this.metrics.enqueued.inc({ action: 'suppressed' }, report.suppressed);
    return report;
  }

  private async listDestination(sync: SyncTarget): Promise<string[] | null> {
    const adapter = this.catalog.create(await this.destinations.spec(sync.destinationId));
    try {
      // the audience a sync fills is keyed by the sync id; the adapter answers the profile ids it holds
      return adapter.listMembers ? await adapter.listMembers(sync.syncId, { signal: AbortSignal.timeout(LIST_TIMEOUT_MS) }) : null;
    } finally {
      await adapter.close?.();
    }
  }

  /** The segment's members, and the destination's contents (listed, or last sent) with pending deliveries on top. */
  private async sides(
    tx: SqlExecutor,
    sync: SyncTarget,
    listed: string[] | null,
    pendingBeforeListing: readonly PendingDelivery[],
  ): Promise<{ members: Set<string>; current: Set<string> }> {
    const members = new Set(await this.column(tx, 'SELECT profile_id FROM segment_members WHERE segment_id = $1', [sync.segmentId]));
    if (!listed) return { members, current: new Set(await this.lastSent(tx, sync.syncId)) };
    // Applied in delivery order; one pending in both reads is applied once, and applying an action the listing
    // already shows changes nothing.
    const bySeq = new Map<string, PendingDelivery>();
    for (const d of [...pendingBeforeListing, ...(await this.pendingDeliveries(tx, sync.syncId))]) bySeq.set(d.seq, d);
    const pending = [...bySeq.values()].sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1));
    return { members, current: withPending(listed, pending) };
  }

  /**
   * What the destination holds as far as Tessera knows: what it last told it (sync_members, set when a delivery is
   * planned), except where the profile's last delivery that was sent did not get through (failed or dead): an add or
   * upsert that never landed is not there, so the mirror sends it again; a remove that never landed leaves it there.
   */
  private lastSent(tx: SqlExecutor, syncId: string): Promise<string[]> {
    return this.column(
      tx,
      `WITH unsent AS (
         SELECT f.profile_id, f.action FROM deliveries f
          WHERE f.sync_id = $1 AND f.status IN ('failed', 'dead')
            AND NOT EXISTS (SELECT 1 FROM deliveries l
                             WHERE l.destination_id = f.destination_id AND l.profile_id = f.profile_id AND l.seq > f.seq
                               AND l.sync_id = $1 AND l.status <> 'suppressed'))
       SELECT m.profile_id FROM sync_members m
        WHERE m.sync_id = $1 AND m.present
          AND NOT EXISTS (SELECT 1 FROM unsent u WHERE u.profile_id = m.profile_id AND u.action <> 'remove')
       UNION
       SELECT u.profile_id FROM unsent u WHERE u.action = 'remove'`,
      [syncId],
    );
  }

  private async pendingDeliveries(db: SqlExecutor, syncId: string): Promise<PendingDelivery[]> {
    const { rows } = await db.query<{ seq: string; profile_id: string; action: string }>(
      `SELECT seq, profile_id, action FROM deliveries WHERE sync_id = $1 AND status = 'pending' ORDER BY seq`,
      [syncId],
    );
    return rows.map((r) => ({ seq: r.seq, profileId: r.profile_id, action: r.action }));
  }

  private async column(tx: SqlExecutor, sql: string, values: unknown[]): Promise<string[]> {
    return (await tx.query<{ profile_id: string }>(sql, values)).rows.map((r) => r.profile_id);
  }
}
