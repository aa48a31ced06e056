import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_PG_POOL } from '@tessera/service-kit';
import type { Pool } from 'pg';
import { SegmentClock } from '../config/segment-clock';
import { loadEventHistories, loadMemberships } from '../evaluation/profile-store';
import { SEGMENT_SETTINGS, type SegmentSettings } from '../config/segment-settings';
import { evaluateSegment, ruleReferences, type Rule } from '../rules';

const PAGE = 2000;

/**
 * Counts the profiles an unsaved rule would hold now, with a sample, by evaluating it over every active profile
 * in pages (read-only, nothing stored). Segment conditions read the stored memberships of the referenced segment.
 */
@Injectable()
export class SegmentPreviewService {
  constructor(
    @Inject(SERVICE_PG_POOL) private readonly pool: Pool,
    private readonly clock: SegmentClock,
    @Inject(SEGMENT_SETTINGS) private readonly settings: SegmentSettings,
  ) {}

  async preview(
    rule: Rule,
    includeTestProfiles: boolean,
    sampleSize: number,
  ): Promise<{ count: number; total: number; sample: string[]; at: string; tookMs: number }> {
    const started = performance.now();
    const now = this.clock.now();
    let after = '';
    let count = 0;
    let total = 0;
    const sample: string[] = [];
    // read only what the rule can look at: the events it names, memberships only if it references segments
    const refs = ruleReferences(rule);
    const eventNames = [...refs.events];
    for (;;) {
      const { rows } = await this.pool.query<{ profile_id: string; vals: Record<string, unknown>; is_test: boolean }>(
        // computed traits and predictions are segmentable values too (never stored among the profile's own)
        `SELECT p.profile_id, p.vals || coalesce(c.vals, '{}'::jsonb) AS vals, p.is_test
           FROM profiles p LEFT JOIN profile_computed_values c ON c.profile_id = p.profile_id
          WHERE p.status = 'active' AND p.profile_id > $1 ORDER BY p.profile_id LIMIT $2`,
        [after, PAGE],
      );
      if (rows.length === 0) break;
      const ids = rows.map((r) => r.profile_id);
      const histories = eventNames.length > 0 ? await loadEventHistories(this.pool, ids, eventNames) : new Map();
      const memberships = refs.segments.size > 0 ? await loadMemberships(this.pool, ids) : new Map();
      for (const row of rows) {
        const facts = {
          values: row.vals,
          isTest: row.is_test,
          events: histories.get(row.profile_id) ?? new Map(),
          historyDays: this.settings.eventHistoryDays,
        };
        const stored = memberships.get(row.profile_id);
        // A preview answers counts and ids, never reasons: no explanation is built.
        const decision = evaluateSegment(
          { rule, includeTestProfiles },
          facts,
          now,
          (id) => ({ matched: stored?.has(id) ?? false, next: null, decisive: [] }),
          false,
        );
        total++;
        if (!decision.matched) continue;
        count++;
        if (sample.length < sampleSize) sample.push(row.profile_id);
      }
      after = ids[ids.length - 1];
    }
    return { count, total, sample, at: new Date(now).toISOString(), tookMs: Math.round(performance.now() - started) };
  }
}
