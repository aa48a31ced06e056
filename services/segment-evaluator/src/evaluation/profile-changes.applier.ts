import { Injectable } from '@nestjs/common';
import type { ProfileChange } from '@tessera/contracts';
import type { SqlExecutor } from '@tessera/kafka';
import { PREDICTION_INPUT_FIELDS, type ComputedTrigger } from './computed-value-decider';
import { combine, fireOverdue } from './overdue-profiles';
import { evaluateProfiles, type EvaluationOutcome, type EvaluationRequest } from './profile-evaluation';
import { loadProfileValues, lockProfiles, withValuesJson, type ProfileRow } from './profile-store';
import type { SegmentCatalog } from './segment-catalog';

/**
 * The merger converts lifetime value at its current rates when it publishes, and lists a field as changed by
 * comparing the profile before and after its slice at those same rates. So a new rate or reporting currency moves
 * these values at a profile's next change without their being listed: they are compared with the stored ones here.
 */
const MONEY_FIELDS = ['revenue_total', 'revenue_currency', 'revenue_flags'] as const;

/** Rates move money values only for a profile with orders, and revenue_currency is set from its first order on. */
const mayMoveMoney = (change: ProfileChange, fields: ReadonlySet<string>): boolean =>
  change.values.includes('"revenue_currency"') && !MONEY_FIELDS.every((field) => fields.has(field));

/**
 * Folds cdp.profiles.changed into the projection and re-decides the segments whose rules read a changed field.
 * A version not newer than the stored one is ignored (the topic is compacted and replays). A merged profile hands
 * its event history to its survivor, exits every segment, and the survivor is re-decided in full.
 */
@Injectable()
export class ProfileChangesApplier {
  async apply(
    tx: SqlExecutor,
    loadCatalog: () => Promise<SegmentCatalog>,
    changes: readonly ProfileChange[],
    now: number,
  ): Promise<EvaluationOutcome> {
    const latest = new Map<string, { change: ProfileChange; fields: Set<string> }>();
    for (const change of changes) {
      const seen = latest.get(change.profileId);
      const fields = seen ? new Set([...seen.fields, ...change.changedFields]) : new Set(change.changedFields);
      latest.set(change.profileId, { change: !seen || change.version > seen.change.version ? change : seen.change, fields });
    }
    const survivors = [...latest.values()].flatMap(({ change }) =>
      change.status === 'merged' && change.mergedIntoProfileId ? [change.mergedIntoProfileId] : [],
    );
    const rows = await lockProfiles(tx, [...latest.keys(), ...survivors], { values: false });
    // the stored values are read only where they are decided on: an overdue profile (decided before its change)
    // and a profile this slice does not replace (a survivor, a stale version); and where money values may have moved
    const replaced = (r: ProfileRow) => (latest.get(r.profileId)?.change.version ?? -1) > r.version;
    const isOverdue = (r: ProfileRow) => r.dueAt !== null && r.dueAt <= now;
    const moneyCheck = (r: ProfileRow) => {
      const seen = latest.get(r.profileId);
      return seen !== undefined && r.version > 0 && mayMoveMoney(seen.change, seen.fields);
    };
    await loadProfileValues(
      tx,
      rows,
      [...rows.values()].filter((r) => isOverdue(r) || !replaced(r) || moneyCheck(r)).map((r) => r.profileId),
    );
    const catalog = await loadCatalog();
    // time-driven changes the scheduler has not fired yet come first, decided on the values before these changes
    const overdue = await fireOverdue(tx, catalog, rows, now);

    const requests = new Map<string, EvaluationRequest>();
    const updated: ProfileRow[] = [];
    const moves: Array<[absorbed: string, survivor: string]> = [];
    for (const { change, fields } of latest.values()) {
      const before = rows.get(change.profileId);
      if (!before || change.version <= before.version) continue;
      const checkMoney = moneyCheck(before);
      const after = withValuesJson(
        {
          profileId: change.profileId,
          version: change.version,
          status: change.status,
          mergedInto: change.mergedIntoProfileId,
          identifiers: change.identifiers,
          isTest: change.isTest,
          dueAt: before.dueAt,
        },
        change.values,
      );
      if (checkMoney) for (const field of MONEY_FIELDS) if (!sameJson(before.values[field], after.values[field])) fields.add(field);
      rows.set(after.profileId, after);
      updated.push(after);
      if (after.status === 'merged' && after.mergedInto) moves.push([after.profileId, after.mergedInto]);
      // a first sight, a split (merged -> active) or a new test label can change any segment
      const everything = before.version === 0 || before.status !== after.status || before.isTest !== after.isTest;
      // computed values: all of them on a first sight or a split, the predictions alone when a revenue value changed
      const computed: ComputedTrigger | undefined = everything
        ? 'all'
        : [...fields].some((f) => PREDICTION_INPUT_FIELDS.has(f))
          ? new Set<string>()
          : undefined;
      requests.set(after.profileId, { profile: after, scope: everything ? 'all' : catalog.index.affected({ fields }), at: now, computed });
    }
    if (moves.length > 0) {
      await tx.query(
        `INSERT INTO profile_events (profile_id, message_id, name, at_ms, properties, source_id, order_key)
         SELECT x.survivor, e.message_id, e.name, e.at_ms, e.properties, e.source_id, e.order_key
           FROM profile_events e JOIN unnest($1::text[], $2::text[]) AS x(absorbed, survivor) ON e.profile_id = x.absorbed
         ON CONFLICT (profile_id, message_id) DO NOTHING`,
        [moves.map(([a]) => a), moves.map(([, s]) => s)],
      );
      await tx.query('DELETE FROM profile_events WHERE profile_id = ANY($1::text[])', [moves.map(([a]) => a)]);
      for (const [, survivorId] of moves) {
        const survivor = rows.get(survivorId);
        if (survivor && survivor.status === 'active')
          requests.set(survivorId, { profile: survivor, scope: 'all', at: now, computed: 'all' });
      }
    }
    return combine(overdue, await evaluateProfiles(tx, catalog, [...requests.values()], updated));
  }
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
