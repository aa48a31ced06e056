import { Injectable } from '@nestjs/common';
import type { SqlExecutor } from '@tessera/kafka';
import { PREFER_INDEX_PLANS } from '@tessera/persistence';
import type { IdentityRule } from '../resolution/identity-rule';

/** Named, not `*`: consumers run these reads as prepared statements, and a later column must not change them. */
const RULE_COLUMNS = 'identifier_type, priority, max_per_profile, blocked_values, blocked_patterns, max_distinct_user_ids, updated_at';

interface RuleRow {
  identifier_type: string;
  priority: number;
  max_per_profile: number | null;
  blocked_values: string[];
  blocked_patterns: string[];
  max_distinct_user_ids: number | null;
  updated_at: Date;
}

export interface StoredIdentityRule extends IdentityRule {
  readonly updatedAt: string;
}

/** identity_rules: read by every consumed slice (a few rows), written by the admin API. */
@Injectable()
export class IdentityRulesRepository {
  async list(db: SqlExecutor): Promise<StoredIdentityRule[]> {
    const { rows } = await db.query<RuleRow>(`SELECT ${RULE_COLUMNS} FROM identity_rules ORDER BY priority, identifier_type`);
    return rows.map(toRule);
  }

  /**
   * list(), and index plans for the rest of the transaction (PREFER_INDEX_PLANS) in the same round trip: a consumed
   * slice reads the rules first, so it needs no statement of its own for them. The plans row is the preserved side
   * of the join, so set_config runs even when no rule is stored (that row then has null columns and is left out).
   */
  async listPreferringIndexPlans(db: SqlExecutor): Promise<StoredIdentityRule[]> {
    const { rows } = await db.query<RuleRow>(
      `SELECT ${RULE_COLUMNS} FROM (SELECT ${PREFER_INDEX_PLANS}) AS plans LEFT JOIN identity_rules ON true
        ORDER BY priority, identifier_type`,
    );
    return rows.filter((row) => row.identifier_type !== null).map(toRule);
  }

  async get(db: SqlExecutor, identifierType: string): Promise<StoredIdentityRule | undefined> {
    const { rows } = await db.query<RuleRow>(`SELECT ${RULE_COLUMNS} FROM identity_rules WHERE identifier_type = $1`, [identifierType]);
    return rows[0] ? toRule(rows[0]) : undefined;
  }

  async upsert(db: SqlExecutor, rule: IdentityRule): Promise<StoredIdentityRule> {
    const { rows } = await db.query<RuleRow>(
      `INSERT INTO identity_rules (identifier_type, priority, max_per_profile, blocked_values, blocked_patterns, max_distinct_user_ids, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, now())
       ON CONFLICT (identifier_type) DO UPDATE SET priority = EXCLUDED.priority, max_per_profile = EXCLUDED.max_per_profile,
         blocked_values = EXCLUDED.blocked_values, blocked_patterns = EXCLUDED.blocked_patterns,
         max_distinct_user_ids = EXCLUDED.max_distinct_user_ids, updated_at = now()
       RETURNING ${RULE_COLUMNS}`,
      [rule.identifierType, rule.priority, rule.maxPerProfile, rule.blockedValues, rule.blockedPatterns, rule.maxDistinctUserIds],
    );
    return toRule(rows[0]);
  }

  async delete(db: SqlExecutor, identifierType: string): Promise<boolean> {
    const { rowCount } = await db.query('DELETE FROM identity_rules WHERE identifier_type = $1', [identifierType]);
    return (rowCount ?? 0) > 0;
  }
}

function toRule(row: RuleRow): StoredIdentityRule {
  return {
    identifierType: row.identifier_type,
    priority: row.priority,
    maxPerProfile: row.max_per_profile,
    blockedValues: row.blocked_values,
    blockedPatterns: row.blocked_patterns,
    maxDistinctUserIds: row.max_distinct_user_ids,
    updatedAt: row.updated_at.toISOString(),
  };
}
