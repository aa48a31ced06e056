/**
 * Latency of POST /v1/segments/preview's work (SegmentPreviewService) at 100,000 profiles on an embedded Postgres:
 * each profile has 4 trait values and 5 events in its history; three rules (a trait comparison, seed 002's churn
 * rule with a relative date, an event window with a property filter) are previewed 5 times each, median reported.
 *
 * Usage: node tools/run-ts.js bench/segment-preview/run.ts [profiles]
 */
import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { SegmentClock } from '../../services/segment-evaluator/src/config/segment-clock';
import { loadSegmentSettings } from '../../services/segment-evaluator/src/config/segment-settings';
import { SegmentTables1733400000000 } from '../../services/segment-evaluator/src/database/segment-tables.migration';
import { SegmentPreviewService } from '../../services/segment-evaluator/src/segments/segment-preview.service';
import type { Rule } from '../../services/segment-evaluator/src/rules';
import { startBenchPostgres } from '../shared/bench-infra';

const PROFILES = Number(process.argv[2] ?? 100_000);
const NOW = Date.UTC(2026, 5, 1);
const DAY = 86_400_000;

const RULES: Record<string, Rule> = {
  'trait eq': { trait: 'traits.plan', op: 'eq', value: 'pro' },
  'seed 002 churn': {
    all: [
      { trait: 'traits.contract_end_date', op: 'withinNextDays', days: 30 },
      { trait: 'traits.renewal_status', op: 'neq', value: 'confirmed' },
    ],
  },
  'event window + filter': { event: 'Order Completed', where: [{ property: 'total', op: 'gte', value: 50 }], atLeast: 2, inLastDays: 30 },
};

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'segment-preview-bench-'));
  chmodSync(work, 0o777);
  const pg = await startBenchPostgres(join(work, 'pg'));
  const pool = new Pool({ connectionString: pg.url, options: '-c search_path=segments' });
  try {
    await pool.query('CREATE SCHEMA segments');
    await new SegmentTables1733400000000().up({ query: (sql: string) => pool.query(sql) } as never);
    await pool.query(
      `INSERT INTO profiles (profile_id, version, vals)
       SELECT 'p-' || lpad(i::text, 7, '0'), 1, jsonb_build_object(
         'traits.plan', (ARRAY['free', 'pro', 'team'])[1 + i % 3],
         'traits.contract_end_date', to_char(to_timestamp(($1::bigint + (i % 90) * $2::bigint) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
         'traits.renewal_status', (ARRAY['pending', 'confirmed'])[1 + i % 2],
         'order_count', i % 7)
       FROM generate_series(1, $3::int) i`,
      [NOW, DAY, PROFILES],
    );
    await pool.query(
      `INSERT INTO profile_events (profile_id, message_id, name, at_ms, properties)
       SELECT 'p-' || lpad(i::text, 7, '0'), 'm-' || i || '-' || k, 'Order Completed', $1::bigint - ((i + k * 7) % 60) * $2::bigint, jsonb_build_object('total', (i * k) % 100)
       FROM generate_series(1, $3::int) i, generate_series(1, 5) k`,
      [NOW, DAY, PROFILES],
    );
    await pool.query('ANALYZE');
    const clock = new SegmentClock();
    clock.set(NOW);
    const preview = new SegmentPreviewService(pool as never, clock, loadSegmentSettings({}));
    console.log(`| rule | profiles | matched | median latency |`);
    console.log(`|---|---|---|---|`);
    for (const [label, rule] of Object.entries(RULES)) {
      const samples: number[] = [];
      let count = 0;
      for (let round = 0; round < 5; round++) {
        const started = performance.now();
        const result = await preview.preview(rule, false, 10);
        samples.push(performance.now() - started);
        count = result.count;
      }
      samples.sort((a, b) => a - b);
      console.log(
        `| ${label} | ${PROFILES.toLocaleString('en-US')} | ${count.toLocaleString('en-US')} | ${(samples[2] / 1000).toFixed(2)} s |`,
      );
    }
  } finally {
    await pool.end();
    await pg.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
