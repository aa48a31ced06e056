/**
 * Read throughput of the built-in files and Postgres connectors alone (no Kafka, no connectors service): rows/s
 * through `connector.read` from a generated CSV (plain and gzipped) and from a Postgres table on an embedded
 * Postgres, each consumed the way a run consumes it (records counted, checkpoints taken). The end-to-end target of
 * issue 15 is ≥ 50,000 rows/s into cdp.records.raw, so the read alone must be well above it.
 *
 * Usage: npm run bench:connectors-read [-- rows [rounds]]   (default 1,000,000 rows, 2 rounds, best round reported)
 */
import { chmodSync, createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { Pool } from 'pg';
import type { Connector, Cursor } from '@tessera/connector-sdk';
import { filesConnector, postgresConnector, type FilesConfig, type PostgresConfig } from '@tessera/connectors';
import { startBenchPostgres } from '../shared/bench-infra';
import { fmt, machineLine } from '../shared/bench-report';
import { runMain } from '../shared/run-main';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const ROUNDS = Number(process.argv[3] ?? 2);

interface Measured {
  records: number;
  checkpoints: number;
  seconds: number;
  cpuSeconds: number;
  heapMiB: number;
}

async function measure<C>(connector: Connector<C>, config: C, stream: string): Promise<Measured> {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  let records = 0;
  let checkpoints = 0;
  let cursor: Cursor = null;
  for await (const message of connector.read(config, stream, null)) {
    if (message.type === 'record') records += 1;
    else if (message.type === 'checkpoint') {
      checkpoints += 1;
      cursor = message.cursor;
    }
  }
  if (cursor === null) throw new Error('no checkpoint');
  const used = process.cpuUsage(cpu);
  return {
    records,
    checkpoints,
    seconds: Number(process.hrtime.bigint() - start) / 1e9,
    cpuSeconds: (used.user + used.system) / 1e6,
    heapMiB: process.memoryUsage().heapUsed / 2 ** 20,
  };
}

function* csvLines(rows: number): Generator<string> {
  yield 'customer_id,email,first_name,last_name,tier,brand,contract_end_date,updated_at\n';
  const batch: string[] = [];
  for (let i = 1; i <= rows; i += 1) {
    batch.push(`C-${i},user${i}@example.com,"Given ${i % 97}",Surname${i % 1013},${['gold', 'silver', 'bronze'][i % 3]},${i % 2 ? 'acme' : 'globex'},2026-${String((i % 12) + 1).padStart(2, '0')}-28,2026-01-01T00:00:${String(i % 60).padStart(2, '0')}Z\n`);
    if (batch.length === 10_000) {
      yield batch.join('');
      batch.length = 0;
    }
  }
  if (batch.length > 0) yield batch.join('');
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'connectors-read-bench-'));
  chmodSync(work, 0o777);
  const pg = await startBenchPostgres(join(work, 'pg'));
  const results: string[] = [];
  const report = (label: string, size: string, runs: Measured[]): void => {
    const best = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    if (best.records !== ROWS) throw new Error(`${label}: read ${best.records} records, expected ${ROWS}`);
    results.push(
      `| ${label} | ${size} | ${fmt(best.records)} | ${fmt(best.checkpoints)} | ${fmt(best.seconds, 2)} | **${fmt(best.records / best.seconds)}** | ${fmt((best.cpuSeconds * 1e6) / best.records, 1)} | ${runs.map((r) => fmt(r.records / r.seconds)).join(', ')} |`,
    );
    console.log(results.at(-1));
  };
  try {
    const csv = join(work, 'files', 'crm-0001.csv');
    const gz = join(work, 'gz', 'crm-0001.csv.gz');
    for (const dir of ['files', 'gz']) mkdirSync(join(work, dir));
    await pipeline(Readable.from(csvLines(ROWS)), createWriteStream(csv));
    await pipeline(Readable.from(csvLines(ROWS)), createGzip({ level: 6 }), createWriteStream(gz));

    const pool = new Pool({ connectionString: pg.url, max: 2 });
    await pool.query(`CREATE TABLE billing_accounts (
      customer_id text PRIMARY KEY, email text, contract_end_date date, renewal_status text, tier text, mrr numeric(10,2), updated_at timestamptz NOT NULL)`);
    await pool.query(
      `INSERT INTO billing_accounts SELECT 'C-' || i, 'user' || i || '@example.com', DATE '2026-01-01' + (i % 365), (ARRAY['pending','confirmed','churned'])[1 + i % 3],
              (ARRAY['gold','silver','bronze'])[1 + i % 3], (i % 1000) * 1.5, TIMESTAMPTZ '2026-01-01 00:00:00Z' + ((i / 7) || ' milliseconds')::interval
         FROM generate_series(1, $1::int) i`,
      [ROWS],
    );
    await pool.query('CREATE INDEX billing_accounts_sync ON billing_accounts (updated_at, customer_id)');
    await pool.query('VACUUM ANALYZE billing_accounts');
    await pool.end();

    console.log(`| source | size | records | checkpoints | seconds | rows/s (best) | CPU µs/row | rows/s per round |`);
    console.log(`|---|---:|---:|---:|---:|---:|---:|---|`);
    const mib = (path: string): string => `${fmt(statSync(path).size / 2 ** 20, 1)} MiB`;
    const filesConfig = (directory: string): FilesConfig => ({ directory, streams: [{ name: 'crm', pattern: 'crm-*', format: 'csv', primaryKey: 'customer_id' }] });
    const pgConfig: PostgresConfig = { connectionString: pg.url, streams: [{ name: 'billing', table: 'billing_accounts', replicationKey: 'updated_at' }] };
    const rounds = async <C>(connector: Connector<C>, config: C, stream: string): Promise<Measured[]> => {
      const runs: Measured[] = [];
      for (let r = 0; r < ROUNDS; r += 1) runs.push(await measure(connector, config, stream));
      return runs;
    };
    report('files: CSV', mib(csv), await rounds(filesConnector, filesConfig(join(work, 'files')), 'crm'));
    report('files: CSV, gzip', mib(gz), await rounds(filesConnector, filesConfig(join(work, 'gz')), 'crm'));
    report('postgres: table, pages of 5,000', `${fmt(ROWS)} rows`, await rounds(postgresConnector, pgConfig, 'billing'));
    console.log(`\n${machineLine()}`);
  } finally {
    await pg.stop().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}

runMain(main);
