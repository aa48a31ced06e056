import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { inTransaction, lockWriterLane, writeOutbox, type SqlExecutor } from '@tessera/kafka';
import { invalidBody, SERVICE_PG_POOL } from '@tessera/service-kit';
import type { Pool } from 'pg';
import {
  BACKFILL_COLUMNS_SQL,
  backfillView,
  cancelBackfill,
  latestBackfillSql,
  queueBackfill,
  type BackfillView,
} from '../backfill/backfill-queue';
import { writeDecisions } from '../evaluation/membership-writer';
import { lockProfiles } from '../evaluation/profile-store';
import { findCycle, namingConditions, ruleReferences, type Rule } from '../rules';
import { checkComputedKeys } from './computed-key-check';
import { RULE_POINTER, type SegmentBody } from './segment-body';

export interface SegmentView {
  id: string;
  name: string;
  description: string | null;
  rule: Rule;
  includeTestProfiles: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
  memberCount: number;
  backfill: BackfillView | null;
}

type DefinitionRow = {
  segment_id: string;
  name: string;
  description: string | null;
  rule: Rule;
  include_test_profiles: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
};

const VIEW_SQL = `
  SELECT d.segment_id, d.name, d.description, d.rule, d.include_test_profiles, d.version, d.created_at, d.updated_at,
         (SELECT count(*) FROM memberships m WHERE m.segment_id = d.segment_id)::int AS member_count,
         ${BACKFILL_COLUMNS_SQL}
    FROM segment_definitions d
    ${latestBackfillSql('d.segment_id')}
   WHERE d.deleted_at IS NULL`;

/**
 * Segment definitions: every save is a new version (kept in segment_versions) and queues a backfill of that version
 * over every existing profile. Saves are serialized by a table lock so that two concurrent edits cannot together
 * form a reference cycle that neither alone would.
 */
@Injectable()
export class SegmentRepository {
  constructor(@Inject(SERVICE_PG_POOL) private readonly pool: Pool) {}

  async create(body: SegmentBody, id: string): Promise<SegmentView> {
    await inTransaction(this.pool, async (tx) => {
      await this.checkReferences(tx, id, body.rule);
      const exists = await tx.query('SELECT 1 FROM segment_definitions WHERE segment_id = $1', [id]);
      if (exists.rowCount) throw new ConflictException(`segment ${id} exists (ids are not reused, even after a delete)`);
      await tx.query(
        'INSERT INTO segment_definitions (segment_id, name, description, rule, include_test_profiles, version) VALUES ($1, $2, $3, $4, $5, 1)',
        [id, body.name, body.description ?? null, JSON.stringify(body.rule), body.includeTestProfiles ?? false],
      );
      await this.recordVersion(tx, id);
    });
    return this.getOrThrow(id);
  }

  async update(id: string, body: SegmentBody): Promise<SegmentView> {
    await inTransaction(this.pool, async (tx) => {
      await this.checkReferences(tx, id, body.rule);
      const updated = await tx.query(
        `UPDATE segment_definitions SET name = $2, description = $3, rule = $4, include_test_profiles = $5, version = version + 1, updated_at = now()
          WHERE segment_id = $1 AND deleted_at IS NULL`,
        [id, body.name, body.description ?? null, JSON.stringify(body.rule), body.includeTestProfiles ?? false],
      );
      if (!updated.rowCount) throw new NotFoundException(`segment ${id} does not exist`);
      await this.recordVersion(tx, id);
    });
    return this.getOrThrow(id);
  }

  /**
   * Soft delete: its members exit (messages in the same transaction); refused while referenced. A profile's due time
   * that came from it fires once for nothing and moves on.
   */
  async remove(id: string, now: number): Promise<void> {
    await inTransaction(this.pool, async (tx) => {
      await tx.query('LOCK TABLE segment_definitions IN SHARE ROW EXCLUSIVE MODE');
      const live = await this.liveRules(tx);
      const found = await tx.query<{ version: number }>(
        'SELECT version FROM segment_definitions WHERE segment_id = $1 AND deleted_at IS NULL',
        [id],
      );
      if (!found.rowCount) throw new NotFoundException(`segment ${id} does not exist`);
      const users = [...live].filter(([other, rule]) => other !== id && ruleReferences(rule).segments.has(id)).map(([other]) => other);
      if (users.length > 0) throw new ConflictException(`segment ${id} is referenced by ${users.sort().join(', ')}`);
      await tx.query('UPDATE segment_definitions SET deleted_at = now() WHERE segment_id = $1', [id]);
      await cancelBackfill(tx, { kind: 'segment', segmentId: id });
      const members = await tx.query<{ profile_id: string }>('SELECT profile_id FROM memberships WHERE segment_id = $1', [id]);
      const profiles = await lockProfiles(
        tx,
        members.rows.map((r) => r.profile_id),
      );
      const segmentVersion = found.rows[0].version;
      const messages = await writeDecisions(
        tx,
        [...profiles.values()].map((profile) => ({
          profile,
          at: now,
          decision: {
            absorbed: false,
            next: null,
            flips: [{ segmentId: id, segmentVersion, change: 'exited' as const, reason: `segment ${id} deleted` }],
          },
        })),
      );
      await writeOutbox(tx, await lockWriterLane(tx, 'segment-removal'), messages);
    });
  }

  async get(id: string): Promise<SegmentView | null> {
    const { rows } = await this.pool.query(`${VIEW_SQL} AND d.segment_id = $1`, [id]);
    return rows[0] ? toView(rows[0]) : null;
  }

  async getOrThrow(id: string): Promise<SegmentView> {
    const view = await this.get(id);
    if (!view) throw new NotFoundException(`segment ${id} does not exist`);
    return view;
  }

  async list(limit: number, after: string | null): Promise<SegmentView[]> {
    const { rows } = await this.pool.query(`${VIEW_SQL} AND ($1::text IS NULL OR d.segment_id > $1) ORDER BY d.segment_id LIMIT $2`, [
      after,
      limit,
    ]);
    return rows.map(toView);
  }

  async versions(
    id: string,
  ): Promise<
    Array<{ version: number; name: string; description: string | null; rule: Rule; includeTestProfiles: boolean; savedAt: string }>
  > {
    const { rows } = await this.pool.query<{
      version: number;
      name: string;
      description: string | null;
      rule: Rule;
      include_test_profiles: boolean;
      saved_at: Date;
    }>(
      'SELECT version, name, description, rule, include_test_profiles, saved_at FROM segment_versions WHERE segment_id = $1 ORDER BY version',
      [id],
    );
    if (rows.length === 0) throw new NotFoundException(`segment ${id} does not exist`);
    return rows.map((r) => ({
      version: r.version,
      name: r.name,
      description: r.description,
      rule: r.rule,
      includeTestProfiles: r.include_test_profiles,
      savedAt: r.saved_at.toISOString(),
    }));
  }

  private async liveRules(tx: SqlExecutor): Promise<Map<string, Rule>> {
    const { rows } = await tx.query<{ segment_id: string; rule: Rule }>(
      'SELECT segment_id, rule FROM segment_definitions WHERE deleted_at IS NULL',
    );
    return new Map(rows.map((r) => [r.segment_id, r.rule]));
  }

  /** Referenced segments must exist, and the saved set must stay acyclic. */
  private async checkReferences(tx: SqlExecutor, id: string, rule: Rule): Promise<void> {
    await tx.query('LOCK TABLE segment_definitions IN SHARE ROW EXCLUSIVE MODE');
    const live = await this.liveRules(tx);
    const missing = [...ruleReferences(rule).segments].filter((ref) => ref !== id && !live.has(ref));
    if (missing.length > 0)
      throw invalidBody(
        namingConditions(rule, 'segment', RULE_POINTER)
          .filter((c) => missing.includes(c.key))
          .map(({ path, key }) => ({ path, message: `names no segment: ${key}` })),
        `rule references unknown segment ${missing.sort().join(', ')}`,
      );
    await checkComputedKeys(tx, rule);
    live.set(id, rule);
    const cycle = findCycle(live);
    if (cycle) {
      // The stored set was acyclic, so the cycle passes through this segment: the references to blame are its own.
      const next = cycle[cycle.indexOf(id) + 1];
      throw invalidBody(
        namingConditions(rule, 'segment', RULE_POINTER)
          .filter((c) => c.key === next)
          .map(({ path }) => ({ path, message: `closes the reference cycle ${cycle.join(' -> ')}` })),
        `rule would make a segment reference cycle: ${cycle.join(' -> ')}`,
      );
    }
  }

  /** The 400 a save gives for an undefined computed trait, for a preview of an unsaved rule too. */
  async checkComputedKeys(rule: Rule): Promise<void> {
    await checkComputedKeys(this.pool, rule);
  }

  /** Keeps the saved version and queues its backfill over the profiles that exist now. */
  private async recordVersion(tx: SqlExecutor, id: string): Promise<void> {
    const { rows } = await tx.query<{ version: number }>(
      `INSERT INTO segment_versions (segment_id, version, name, description, rule, include_test_profiles)
       SELECT segment_id, version, name, description, rule, include_test_profiles FROM segment_definitions WHERE segment_id = $1 RETURNING version`,
      [id],
    );
    await queueBackfill(tx, { kind: 'segment', segmentId: id }, rows[0].version);
  }
}

function toView(r: DefinitionRow & Record<string, unknown>): SegmentView {
  return {
    id: r.segment_id,
    name: r.name,
    description: r.description,
    rule: r.rule,
    includeTestProfiles: r.include_test_profiles,
    version: r.version,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    memberCount: r.member_count as number,
    backfill: backfillView(r),
  };
}
