import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from '@tessera/persistence';
import { SERVICE_PG_POOL } from '@tessera/service-kit';
import { randomUUID } from 'node:crypto';
import type { AuthenticatedSource, Source } from './source';

interface SourceRow {
  id: string;
  name: string;
  enabled: boolean;
  rate_limit_events_per_second: number | null;
  rate_limit_burst: number | null;
  created_at: Date;
  updated_at: Date;
  key_rotated_at: Date | null;
  write_key_sha256?: Buffer;
}

const COLUMNS = 'id, name, enabled, rate_limit_events_per_second, rate_limit_burst, created_at, updated_at, key_rotated_at';

export interface RateLimitOverride {
  eventsPerSecond: number;
  burst: number;
}

/** The sources table in the gateway's own schema (plain SQL on the schema-bound pool). */
@Injectable()
export class SourceRepository {
  constructor(@Inject(SERVICE_PG_POOL) private readonly pool: Pool) {}

  async create(name: string, keyDigest: Buffer, rateLimit: RateLimitOverride | null): Promise<Source> {
    const { rows } = await this.pool.query<SourceRow>(
      `INSERT INTO sources (id, name, write_key_sha256, rate_limit_events_per_second, rate_limit_burst)
       VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [randomUUID(), name, keyDigest, rateLimit?.eventsPerSecond ?? null, rateLimit?.burst ?? null],
    );
    return toSource(rows[0]);
  }

  /** The dev stack's source: created with a fixed id, or given the configured key again (its other settings stay). */
  async upsertWithId(id: string, name: string, keyDigest: Buffer): Promise<Source> {
    const { rows } = await this.pool.query<SourceRow>(
      `INSERT INTO sources (id, name, write_key_sha256) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET write_key_sha256 = EXCLUDED.write_key_sha256,
         updated_at = CASE WHEN sources.write_key_sha256 = EXCLUDED.write_key_sha256 THEN sources.updated_at ELSE now() END
       RETURNING ${COLUMNS}`,
      [id, name, keyDigest],
    );
    return toSource(rows[0]);
  }

  async list(): Promise<Source[]> {
    const { rows } = await this.pool.query<SourceRow>(`SELECT ${COLUMNS} FROM sources ORDER BY created_at, id`);
    return rows.map(toSource);
  }

  async find(id: string): Promise<Source | undefined> {
    const { rows } = await this.pool.query<SourceRow>(`SELECT ${COLUMNS} FROM sources WHERE id = $1`, [id]);
    return rows[0] ? toSource(rows[0]) : undefined;
  }

  /** One unique-index probe; the digest is returned so the caller can compare it in constant time. */
  async findByKeyDigest(keyDigest: Buffer): Promise<(AuthenticatedSource & { digest: Buffer }) | undefined> {
    const { rows } = await this.pool.query<SourceRow>(`SELECT ${COLUMNS}, write_key_sha256 FROM sources WHERE write_key_sha256 = $1`, [
      keyDigest,
    ]);
    const row = rows[0];
    if (!row?.write_key_sha256) return undefined;
    return { id: row.id, enabled: row.enabled, rateLimit: rateLimitOf(row), digest: row.write_key_sha256 };
  }

  async update(
    id: string,
    changes: { name?: string; enabled?: boolean; rateLimit?: RateLimitOverride | null },
  ): Promise<Source | undefined> {
    const { rows } = await this.pool.query<SourceRow>(
      `UPDATE sources SET
         name = COALESCE($2, name),
         enabled = COALESCE($3, enabled),
         rate_limit_events_per_second = CASE WHEN $4 THEN $5::integer ELSE rate_limit_events_per_second END,
         rate_limit_burst = CASE WHEN $4 THEN $6::integer ELSE rate_limit_burst END,
         updated_at = now()
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [
        id,
        changes.name ?? null,
        changes.enabled ?? null,
        changes.rateLimit !== undefined,
        changes.rateLimit?.eventsPerSecond ?? null,
        changes.rateLimit?.burst ?? null,
      ],
    );
    return rows[0] ? toSource(rows[0]) : undefined;
  }

  async replaceKey(id: string, keyDigest: Buffer): Promise<{ source: Source; previousDigest: Buffer } | undefined> {
    const { rows } = await this.pool.query<SourceRow & { previous: Buffer }>(
      `UPDATE sources s SET write_key_sha256 = $2, key_rotated_at = now(), updated_at = now()
       FROM (SELECT id, write_key_sha256 AS previous FROM sources WHERE id = $1 FOR UPDATE) old
       WHERE s.id = old.id RETURNING ${COLUMNS.split(', ')
         .map((c) => `s.${c}`)
         .join(', ')}, old.previous`,
      [id, keyDigest],
    );
    return rows[0] ? { source: toSource(rows[0]), previousDigest: rows[0].previous } : undefined;
  }
}

function rateLimitOf(row: SourceRow): RateLimitOverride | null {
  if (row.rate_limit_events_per_second === null || row.rate_limit_burst === null) return null;
  return { eventsPerSecond: row.rate_limit_events_per_second, burst: row.rate_limit_burst };
}

function toSource(row: SourceRow): Source {
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    rateLimit: rateLimitOf(row),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    keyRotatedAt: row.key_rotated_at ? row.key_rotated_at.toISOString() : null,
  };
}
