import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { inTransaction } from '@tessera/kafka';
import { invalidBody, SERVICE_PG_POOL } from '@tessera/service-kit';
import type { Pool } from 'pg';
import type { SyncMode } from '../enqueue/delivery-planner';
import type { FieldMapping } from '../enqueue/field-mapping';
import type { SyncBody } from './sync-body';

/** A sync as the API shows it: its body with every default filled, and when its mirror last ran. */
export interface SyncView extends Omit<SyncBody, 'id'> {
  id: string;
  lastMirroredAt: string | null;
  createdAt: string;
  updatedAt: string;
}

type SyncRow = {
  sync_id: string;
  segment_id: string;
  destination_id: string;
  mode: SyncMode;
  mapping: FieldMapping;
  schedule_seconds: number | null;
  enabled: boolean;
  last_mirrored_at: Date | null;
  created_at: Date;
  updated_at: Date;
};

const COLUMNS = 'sync_id, segment_id, destination_id, mode, mapping, schedule_seconds, enabled, last_mirrored_at, created_at, updated_at';

/** Syncs: a segment linked to a destination. Its segment and destination are fixed; a new pairing is a new sync. */
@Injectable()
export class SyncRepository {
  constructor(@Inject(SERVICE_PG_POOL) private readonly pool: Pool) {}

  async create(body: SyncBody, id: string): Promise<SyncView> {
    await inTransaction(this.pool, async (tx) => {
      const destination = await tx.query('SELECT 1 FROM destinations WHERE destination_id = $1 AND deleted_at IS NULL FOR SHARE', [
        body.destinationId,
      ]);
      if (!destination.rowCount)
        throw invalidBody([{ path: '/destinationId', message: 'no such destination' }], `no destination ${body.destinationId}`);
      const { rowCount } = await tx.query(
        `INSERT INTO syncs (sync_id, segment_id, destination_id, mode, mapping, schedule_seconds, enabled) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (sync_id) DO NOTHING`,
        [id, body.segmentId, body.destinationId, body.mode, JSON.stringify(body.mapping), body.scheduleSeconds, body.enabled],
      );
      if (!rowCount) throw new ConflictException(`sync ${id} exists (ids are not reused, even after a delete)`);
    });
    return this.getOrThrow(id);
  }

  async update(id: string, body: SyncBody): Promise<SyncView> {
    const current = await this.getOrThrow(id);
    const moved = [
      ['segmentId', current.segmentId, body.segmentId],
      ['destinationId', current.destinationId, body.destinationId],
    ].filter(([, was, is]) => was !== is);
    if (moved.length > 0) {
      throw invalidBody(
        moved.map(([field, was]) => ({ path: `/${field}`, message: `must stay ${was}` })),
        'a sync keeps its segment and destination; create another sync for a new pairing',
      );
    }
    await this.pool.query(
      'UPDATE syncs SET mode = $2, mapping = $3, schedule_seconds = $4, enabled = $5, updated_at = now() WHERE sync_id = $1 AND deleted_at IS NULL',
      [id, body.mode, JSON.stringify(body.mapping), body.scheduleSeconds, body.enabled],
    );
    return this.getOrThrow(id);
  }

  async remove(id: string): Promise<void> {
    const { rowCount } = await this.pool.query(
      'UPDATE syncs SET deleted_at = now(), updated_at = now() WHERE sync_id = $1 AND deleted_at IS NULL',
      [id],
    );
    if (!rowCount) throw new NotFoundException(`no sync ${id}`);
  }

  async list(
    filter: { segmentId?: string; destinationId?: string },
    limit: number,
    after: string | null,
  ): Promise<{ syncs: SyncView[]; next: string | null }> {
    const { rows } = await this.pool.query<SyncRow>(
      `SELECT ${COLUMNS} FROM syncs WHERE deleted_at IS NULL AND ($1::text IS NULL OR sync_id > $1) AND ($2::text IS NULL OR segment_id = $2) AND ($3::text IS NULL OR destination_id = $3)
        ORDER BY sync_id LIMIT $4`,
      [after, filter.segmentId ?? null, filter.destinationId ?? null, limit + 1],
    );
    const page = rows.slice(0, limit).map(toView);
    return { syncs: page, next: rows.length > limit ? page[page.length - 1].id : null };
  }

  async getOrThrow(id: string): Promise<SyncView> {
    const { rows } = await this.pool.query<SyncRow>(`SELECT ${COLUMNS} FROM syncs WHERE sync_id = $1 AND deleted_at IS NULL`, [id]);
    if (rows.length === 0) throw new NotFoundException(`no sync ${id}`);
    return toView(rows[0]);
  }
}

function toView(r: SyncRow): SyncView {
  return {
    id: r.sync_id,
    segmentId: r.segment_id,
    destinationId: r.destination_id,
    mode: r.mode,
    mapping: r.mapping,
    scheduleSeconds: r.schedule_seconds,
    enabled: r.enabled,
    lastMirroredAt: r.last_mirrored_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}
