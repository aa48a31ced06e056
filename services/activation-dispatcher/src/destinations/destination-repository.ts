import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { DestinationCatalog, DestinationSpec } from '@tessera/destinations';
import { inTransaction } from '@tessera/kafka';
import { invalidBody, SERVICE_PG_POOL } from '@tessera/service-kit';
import type { Pool } from 'pg';
import { DESTINATION_CATALOG } from '../catalog/destination-catalog.token';
import { checkWithCatalog, type DestinationBody, type DestinationSettings } from './destination-body';
import { recheckDestination } from './destination-recheck';

/** A destination as the API shows it: config and settings, and only the names of the secrets that are set. */
export interface DestinationView extends DestinationSettings {
  id: string;
  name: string;
  kind: string;
  config: Record<string, unknown>;
  secretsSet: string[];
  createdAt: string;
  updatedAt: string;
}

type DestinationRow = {
  destination_id: string;
  name: string;
  kind: string;
  config: Record<string, unknown>;
  secrets: Record<string, string>;
  required_consent: string[];
  max_attempts: number;
  max_age_seconds: number;
  concurrency: number;
  rate_per_second: number | null;
  batch_size: number;
  created_at: Date;
  updated_at: Date;
};

const COLUMNS =
  'destination_id, name, kind, config, secrets, required_consent, max_attempts, max_age_seconds, concurrency, rate_per_second, batch_size, created_at, updated_at';

/** Destinations: created, replaced and soft-deleted (ids are never reused); secrets never leave this class but as specs. */
@Injectable()
export class DestinationRepository {
  constructor(
    @Inject(SERVICE_PG_POOL) private readonly pool: Pool,
    @Inject(DESTINATION_CATALOG) private readonly catalog: DestinationCatalog,
  ) {}

  async create(body: DestinationBody, id: string): Promise<DestinationView> {
    const secrets = withoutNulls(body.secrets);
    checkWithCatalog(this.catalog, body.kind, body.config, secrets);
    const { rowCount } = await this.pool.query(
      `INSERT INTO destinations (destination_id, name, kind, config, secrets, required_consent, max_attempts, max_age_seconds, concurrency, rate_per_second, batch_size)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (destination_id) DO NOTHING`,
      [
        id,
        body.name,
        body.kind,
        JSON.stringify(body.config),
        JSON.stringify(secrets),
        body.requiredConsent,
        body.maxAttempts,
        body.maxAgeSeconds,
        body.concurrency,
        body.ratePerSecond,
        body.batchSize,
      ],
    );
    if (!rowCount) throw new ConflictException(`destination ${id} exists (ids are not reused, even after a delete)`);
    return this.getOrThrow(id);
  }

  /**
   * Replaces a destination. Its deliveries backing off (a refused token, an endpoint that was down or wrong) are due
   * at `nowMs`: the edit is usually the fix they were waiting for, and should not wait out a 15-minute backoff.
   */
  async update(id: string, body: DestinationBody, nowMs: number): Promise<DestinationView> {
    await inTransaction(this.pool, async (tx) => {
      const { rows } = await tx.query<DestinationRow>(
        `SELECT ${COLUMNS} FROM destinations WHERE destination_id = $1 AND deleted_at IS NULL FOR UPDATE`,
        [id],
      );
      if (rows.length === 0) throw new NotFoundException(`no destination ${id}`);
      if (rows[0].kind !== body.kind)
        throw invalidBody(
          [{ path: '/kind', message: `must stay ${rows[0].kind}` }],
          `the kind of destination ${id} is ${rows[0].kind}; create a new destination for another kind`,
        );
      const secrets = withoutNulls({ ...rows[0].secrets, ...body.secrets });
      checkWithCatalog(this.catalog, body.kind, body.config, secrets);
      const updated = await tx.query<{ updated_at: Date }>(
        `UPDATE destinations SET name = $2, config = $3, secrets = $4, required_consent = $5, max_attempts = $6, max_age_seconds = $7, concurrency = $8,
                rate_per_second = $9, batch_size = $10, updated_at = now() WHERE destination_id = $1 RETURNING updated_at`,
        [
          id,
          body.name,
          JSON.stringify(body.config),
          JSON.stringify(secrets),
          body.requiredConsent,
          body.maxAttempts,
          body.maxAgeSeconds,
          body.concurrency,
          body.ratePerSecond,
          body.batchSize,
        ],
      );
      await tx.query(
        `UPDATE deliveries SET next_attempt_at = to_timestamp($2), updated_at = now()
          WHERE destination_id = $1 AND status = 'pending' AND next_attempt_at > to_timestamp($2)`,
        [id, nowMs / 1000],
      );
      if (JSON.stringify([...rows[0].required_consent].sort()) !== JSON.stringify([...body.requiredConsent].sort())) {
        await recheckDestination(tx, id, updated.rows[0].updated_at.getTime());
      }
    });
    return this.getOrThrow(id);
  }

  /** Soft delete; refused while a sync still sends to it. */
  async remove(id: string): Promise<void> {
    await inTransaction(this.pool, async (tx) => {
      const { rows } = await tx.query<{ sync_id: string }>(
        'SELECT sync_id FROM syncs WHERE destination_id = $1 AND deleted_at IS NULL ORDER BY sync_id',
        [id],
      );
      if (rows.length > 0)
        throw new ConflictException(`destination ${id} is used by syncs ${rows.map((r) => r.sync_id).join(', ')}; delete them first`);
      const { rowCount } = await tx.query(
        'UPDATE destinations SET deleted_at = now(), updated_at = now() WHERE destination_id = $1 AND deleted_at IS NULL',
        [id],
      );
      if (!rowCount) throw new NotFoundException(`no destination ${id}`);
    });
  }

  async list(limit: number, after: string | null): Promise<{ destinations: DestinationView[]; next: string | null }> {
    const { rows } = await this.pool.query<DestinationRow>(
      `SELECT ${COLUMNS} FROM destinations WHERE deleted_at IS NULL AND ($1::text IS NULL OR destination_id > $1) ORDER BY destination_id LIMIT $2`,
      [after, limit + 1],
    );
    const page = rows.slice(0, limit).map(toView);
    return { destinations: page, next: rows.length > limit ? page[page.length - 1].id : null };
  }

  async getOrThrow(id: string): Promise<DestinationView> {
    return toView(await this.row(id));
  }

  /** What the catalog builds an adapter from, secrets included: for sending, never for answering. */
  async spec(id: string): Promise<DestinationSpec> {
    const row = await this.row(id);
    return { destinationId: row.destination_id, kind: row.kind as DestinationSpec['kind'], config: row.config, secrets: row.secrets };
  }

  private async row(id: string): Promise<DestinationRow> {
    const { rows } = await this.pool.query<DestinationRow>(
      `SELECT ${COLUMNS} FROM destinations WHERE destination_id = $1 AND deleted_at IS NULL`,
      [id],
    );
    if (rows.length === 0) throw new NotFoundException(`no destination ${id}`);
    return rows[0];
  }
}

function withoutNulls(secrets: Record<string, string | null>): Record<string, string> {
  return Object.fromEntries(Object.entries(secrets).filter((entry): entry is [string, string] => entry[1] !== null));
}

function toView(r: DestinationRow): DestinationView {
  return {
    id: r.destination_id,
    name: r.name,
    kind: r.kind,
    config: r.config,
    secretsSet: Object.keys(r.secrets).sort(),
    requiredConsent: r.required_consent,
    maxAttempts: r.max_attempts,
    maxAgeSeconds: r.max_age_seconds,
    concurrency: r.concurrency,
    ratePerSecond: r.rate_per_second,
    batchSize: r.batch_size,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}
