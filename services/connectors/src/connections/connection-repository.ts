import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { inTransaction } from '@tessera/kafka';
import { SERVICE_PG_POOL } from '@tessera/service-kit';
import type { Pool } from 'pg';
import type { Schedule } from '../schedules/schedule';
import type { StreamSettings } from './stream-plan';

/** A connection as stored (config with its secrets: only ever shown redacted). */
export interface Connection {
  id: string;
  name: string;
  connector: string;
  config: Record<string, unknown>;
  sourceId: string;
  streams: StreamSettings[];
  schedule: Schedule | null;
  timezone: string;
  unsetMissingOnFullRefresh: boolean;
  enabled: boolean;
  nextRunAt: string | null;
  createdAt: string;
  updatedAt: string;
}

interface ConnectionRow {
  connection_id: string;
  name: string;
  connector: string;
  config: Record<string, unknown>;
  source_id: string;
  streams: StreamSettings[];
  schedule: Schedule | null;
  timezone: string;
  unset_missing: boolean;
  enabled: boolean;
  next_run_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS =
  'connection_id, name, connector, config, source_id, streams, schedule, timezone, unset_missing, enabled, next_run_at, created_at, updated_at';

function toConnection(row: ConnectionRow): Connection {
  return {
    id: row.connection_id,
    name: row.name,
    connector: row.connector,
    config: row.config,
    sourceId: row.source_id,
    streams: row.streams,
    schedule: row.schedule,
    timezone: row.timezone,
    unsetMissingOnFullRefresh: row.unset_missing,
    enabled: row.enabled,
    nextRunAt: row.next_run_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export type ConnectionWrite = Omit<Connection, 'nextRunAt' | 'createdAt' | 'updatedAt'> & { nextRunAtMs: number | null };

function writeParams(c: ConnectionWrite): unknown[] {
  return [
    c.id,
    c.name,
    c.connector,
    JSON.stringify(c.config),
    c.sourceId,
    JSON.stringify(c.streams),
    c.schedule === null ? null : JSON.stringify(c.schedule),
    c.timezone,
    c.unsetMissingOnFullRefresh,
    c.enabled,
    c.nextRunAtMs === null ? null : new Date(c.nextRunAtMs),
  ];
}

@Injectable()
export class ConnectionRepository {
  constructor(@Inject(SERVICE_PG_POOL) private readonly pool: Pool) {}

  async insert(c: ConnectionWrite): Promise<Connection> {
    const { rows } = await this.pool.query<ConnectionRow>(
      `INSERT INTO connections (connection_id, name, connector, config, source_id, streams, schedule, timezone, unset_missing, enabled, next_run_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (connection_id) DO NOTHING RETURNING ${COLUMNS}`,
      writeParams(c),
    );
    if (rows.length === 0) throw new ConflictException(`connection ${c.id} already exists`);
    return toConnection(rows[0]);
  }

  async update(c: ConnectionWrite): Promise<Connection> {
    const { rows } = await this.pool.query<ConnectionRow>(
      `UPDATE connections SET name = $2, connector = $3, config = $4, source_id = $5, streams = $6, schedule = $7, timezone = $8,
              unset_missing = $9, enabled = $10, next_run_at = $11, updated_at = now()
        WHERE connection_id = $1 RETURNING ${COLUMNS}`,
      writeParams(c),
    );
    if (rows.length === 0) throw new NotFoundException(`no connection ${c.id}`);
    return toConnection(rows[0]);
  }

  async find(id: string): Promise<Connection | null> {
    const { rows } = await this.pool.query<ConnectionRow>(`SELECT ${COLUMNS} FROM connections WHERE connection_id = $1`, [id]);
    return rows.length === 0 ? null : toConnection(rows[0]);
  }

  async getOrThrow(id: string): Promise<Connection> {
    const found = await this.find(id);
    if (!found) throw new NotFoundException(`no connection ${id}`);
    return found;
  }

  async list(limit: number, after: string | null): Promise<Connection[]> {
    const { rows } = await this.pool.query<ConnectionRow>(
      `SELECT ${COLUMNS} FROM connections WHERE ($1::text IS NULL OR connection_id > $1) ORDER BY connection_id LIMIT $2`,
      [after, limit],
    );
    return rows.map(toConnection);
  }

  /** Deletes a connection with its cursors and row keys (its run history stays); refused while a run is active. */
  async remove(id: string): Promise<void> {
    await inTransaction(this.pool, async (tx) => {
      const { rows } = await tx.query<{ connection_id: string }>(
        'SELECT connection_id FROM connections WHERE connection_id = $1 FOR UPDATE',
        [id],
      );
      if (rows.length === 0) throw new NotFoundException(`no connection ${id}`);
      const active = await tx.query<{ run_id: string }>(
        `SELECT run_id FROM runs WHERE connection_id = $1 AND state IN ('queued', 'running')`,
        [id],
      );
      if (active.rows.length > 0)
        throw new ConflictException(`connection ${id} has an active run ${active.rows[0].run_id}: cancel it first`);
      await tx.query('DELETE FROM row_key_batches WHERE connection_id = $1', [id]);
      await tx.query('DELETE FROM stream_cursors WHERE connection_id = $1', [id]);
      await tx.query('DELETE FROM connections WHERE connection_id = $1', [id]);
    });
  }
}
