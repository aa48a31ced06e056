/**
 * Read throughput of the built-in files and Postgres connectors alone (no Kafka, no connectors service): rows/s
 * through `connector.read` from a generated CSV (plain and gzipped) and from a Postgres table on an embedded
 * Postgres, each consumed the way a run consumes it (records counted, checkpoints taken). The end-to-end target of
 * issue 15 is ≥ 50,000 rows/s into cdp.records.raw, so the read alone must be well above it.
 *
 * Usage: npm run bench:connectors-read [-- rows [rounds]]   (default 1,000,000 rows, 2 rounds, best round reported)
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connector, Cursor } from '@tessera/connector-sdk';
import { filesConnector, postgresConnector, type FilesConfig, type PostgresConfig } from '@tessera/connectors';
import { startBenchPostgres } from '../shared/bench-infra';
import { fmt, machineLine } from '../shared/bench-report';
import { runMain } from '../shared/run-main';
import { BILLING_TABLE, createBillingTable, writeCrmCsv } from './bench-sources';

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
    else if (message.type === 'records') records += message.records.length;
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
    await writeCrmCsv(csv, ROWS);
    await writeCrmCsv(gz, ROWS, true);

    await createBillingTable(pg.url, ROWS);

    console.log(`| source | size | records | checkpoints | seconds | rows/s (best) | CPU µs/row | rows/s per round |`);
    console.log(`|---|---:|---:|---:|---:|---:|---:|---|`);
    const mib = (path: string): string => `${fmt(statSync(path).size / 2 ** 20, 1)} MiB`;
    const filesConfig = (directory: string): FilesConfig => ({
      directory,
      streams: [{ name: 'crm', pattern: 'crm-*', format: 'csv', primaryKey: 'customer_id' }],
    });
    const pgConfig: PostgresConfig = {
      connectionString: pg.url,
      streams: [{ name: 'billing', table: BILLING_TABLE, replicationKey: 'updated_at' }],
    };
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
