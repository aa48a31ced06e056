import type { SqlExecutor } from '@tessera/kafka';
import { invalidBody } from '@tessera/service-kit';
import { PREDICTION_NAMES } from '../computed/prediction-names';
import { namingConditions, type Rule } from '../rules';
import { RULE_POINTER } from './segment-body';

/**
 * Every `computed` condition must name a live computed-trait definition, else a 400 naming each one's JSON Pointer: an
 * unknown key would be a segment that silently never matches. A save calls it under the segment_definitions lock
 * that a trait delete also takes, so a delete and a save that reads the trait cannot both commit.
 */
export async function checkComputedKeys(db: SqlExecutor, rule: Rule): Promise<void> {
  const conditions = namingConditions(rule, 'computed', RULE_POINTER);
  if (conditions.length === 0) return;
  const { rows } = await db.query<{ trait_key: string }>(
    'SELECT trait_key FROM computed_trait_definitions WHERE deleted_at IS NULL AND trait_key = ANY($1::text[])',
    [conditions.map((c) => c.key)],
  );
  const defined = new Set(rows.map((r) => r.trait_key));
  const details = conditions
    .filter((c) => !defined.has(c.key))
    .map(({ path, key }) => ({
      path,
      message: (PREDICTION_NAMES as readonly string[]).includes(key)
        ? `names no computed trait: ${key} is a built-in prediction, written { "prediction": "${key}", ... }`
        : `names no computed trait: ${key} is not defined (POST /v1/computed-traits)`,
    }));
  if (details.length > 0) throw invalidBody(details);
}
