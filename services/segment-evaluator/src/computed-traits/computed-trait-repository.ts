import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { SERVICE_PG_POOL } from '@tessera/service-kit';
import type { Pool } from 'pg';
import { inTransaction } from '@tessera/kafka';
import {
  BACKFILL_COLUMNS_SQL,
  backfillJobId,
  backfillView,
  cancelBackfill,
  latestBackfillSql,
  queueBackfill,
  type BackfillView,
} from '../backfill/backfill-queue';
import type { ComputedTraitDefinition } from '../computed';
import { ruleReferences, type Rule } from '../rules';

export interface ComputedTraitView extends ComputedTraitDefinition {
  version: number;
  createdAt: string;
  updatedAt: string;
  /** The latest computation of this trait over every existing profile (each save queues one). */
  backfill: BackfillView | null;
}

type Row = { trait_key: string; definition: ComputedTraitDefinition; version: number; created_at: Date; updated_at: Date } & Record<
  string,
  unknown
>;

const VIEW_SQL = `
  SELECT d.trait_key, d.definition, d.version, d.created_at, d.updated_at, ${BACKFILL_COLUMNS_SQL}
    FROM computed_trait_definitions d
    ${latestBackfillSql(`'${backfillJobId({ kind: 'computed-trait', key: '' })}' || d.trait_key`)}
   WHERE d.deleted_at IS NULL`;

/**
 * Computed-trait definitions by key; every save bumps the version and queues a backfill of that version over every
 * existing profile (in the same transaction, so no save goes without its backfill). Keys are not reused after a
 * delete.
 */
@Injectable()
export class ComputedTraitRepository {
  constructor(@Inject(SERVICE_PG_POOL) private readonly pool: Pool) {}

  async create(definition: ComputedTraitDefinition): Promise<ComputedTraitView> {
    await inTransaction(this.pool, async (tx) => {
      const inserted = await tx.query(
        'INSERT INTO computed_trait_definitions (trait_key, definition, version) VALUES ($1, $2, 1) ON CONFLICT (trait_key) DO NOTHING',
        [definition.key, JSON.stringify(definition)],
      );
      if (!inserted.rowCount)
        throw new ConflictException(`computed trait ${definition.key} exists (keys are not reused, even after a delete)`);
      await queueBackfill(tx, { kind: 'computed-trait', key: definition.key }, 1);
    });
    return this.getOrThrow(definition.key);
  }

  async update(definition: ComputedTraitDefinition): Promise<ComputedTraitView> {
    await inTransaction(this.pool, async (tx) => {
      const updated = await tx.query<{ version: number }>(
        'UPDATE computed_trait_definitions SET definition = $2, version = version + 1, updated_at = now() WHERE trait_key = $1 AND deleted_at IS NULL RETURNING version',
        [definition.key, JSON.stringify(definition)],
      );
      if (!updated.rowCount) throw new NotFoundException(`computed trait ${definition.key} does not exist`);
      await queueBackfill(tx, { kind: 'computed-trait', key: definition.key }, updated.rows[0].version);
    });
    return this.getOrThrow(definition.key);
  }

  /** Refused (409) while a live segment reads the trait: it would silently stop matching. */
  async remove(key: string): Promise<void> {
    await inTransaction(this.pool, async (tx) => {
      // the lock segment saves take, so no save can start reading the trait between this check and the delete
      await tx.query('LOCK TABLE segment_definitions IN SHARE ROW EXCLUSIVE MODE');
      const { rows } = await tx.query<{ segment_id: string; rule: Rule }>(
        'SELECT segment_id, rule FROM segment_definitions WHERE deleted_at IS NULL ORDER BY segment_id',
      );
      const readers = rows.filter((r) => ruleReferences(r.rule).fields.has(`computed.${key}`)).map((r) => r.segment_id);
      if (readers.length > 0) throw new ConflictException(`computed trait ${key} is read by segment ${readers.join(', ')}`);
      const removed = await tx.query(
        'UPDATE computed_trait_definitions SET deleted_at = now() WHERE trait_key = $1 AND deleted_at IS NULL',
        [key],
      );
      if (!removed.rowCount) throw new NotFoundException(`computed trait ${key} does not exist`);
      await cancelBackfill(tx, { kind: 'computed-trait', key });
    });
  }

  async getOrThrow(key: string): Promise<ComputedTraitView> {
    const { rows } = await this.pool.query<Row>(`${VIEW_SQL} AND d.trait_key = $1`, [key]);
    if (rows.length === 0) throw new NotFoundException(`computed trait ${key} does not exist`);
    return view(rows[0]);
  }

  async list(limit: number, after: string | null): Promise<ComputedTraitView[]> {
    const { rows } = await this.pool.query<Row>(`${VIEW_SQL} AND d.trait_key > $1 ORDER BY d.trait_key LIMIT $2`, [after ?? '', limit]);
    return rows.map(view);
  }
}

function view(row: Row): ComputedTraitView {
  return {
    ...row.definition,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    backfill: backfillView(row),
  };
}
