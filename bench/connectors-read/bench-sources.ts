import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { Pool } from 'pg';

/** The generated CRM file's columns (bench/connectors maps them). */
export const CSV_COLUMNS = ['customer_id', 'email', 'first_name', 'last_name', 'tier', 'brand', 'contract_end_date', 'updated_at'];

/** The generated billing table's name and columns. */
export const BILLING_TABLE = 'billing_accounts';
export const BILLING_COLUMNS = ['customer_id', 'email', 'contract_end_date', 'renewal_status', 'tier', 'mrr', 'updated_at'];

function* csvLines(rows: number): Generator<string> {
  yield `${CSV_COLUMNS.join(',')}\n`;
  const batch: string[] = [];
  for (let i = 1; i <= rows; i += 1) {
    batch.push(
      `C-${i},user${i}@example.com,"Given ${i % 97}",Surname${i % 1013},${['gold', 'silver', 'bronze'][i % 3]},${i % 2 ? 'acme' : 'globex'},2026-${String((i % 12) + 1).padStart(2, '0')}-28,2026-01-01T00:00:${String(i % 60).padStart(2, '0')}Z\n`,
    );
    if (batch.length === 10_000) {
      yield batch.join('');
      batch.length = 0;
    }
  }
  if (batch.length > 0) yield batch.join('');
}

/** A CRM CSV of `rows` rows (customer ids C-1 … C-rows) at `path`, gzipped when asked. */
export async function writeCrmCsv(path: string, rows: number, gzip = false): Promise<void> {
  if (gzip) await pipeline(Readable.from(csvLines(rows)), createGzip({ level: 6 }), createWriteStream(path));
  else await pipeline(Readable.from(csvLines(rows)), createWriteStream(path));
}

/** The billing table of `rows` rows (customer ids C-1 … C-rows) in the database at `url`, indexed for keyset reads by updated_at. */
export async function createBillingTable(url: string, rows: number): Promise<void> {
  const pool = new Pool({ connectionString: url, max: 1 });
  try {
    await pool.query(`CREATE TABLE ${BILLING_TABLE} (
      customer_id text PRIMARY KEY, email text, contract_end_date date, renewal_status text, tier text, mrr numeric(10,2), updated_at timestamptz NOT NULL)`);
    await pool.query(
      `INSERT INTO ${BILLING_TABLE} SELECT 'C-' || i, 'user' || i || '@example.com', DATE '2026-01-01' + (i % 365), (ARRAY['pending','confirmed','churned'])[1 + i % 3],
              (ARRAY['gold','silver','bronze'])[1 + i % 3], (i % 1000) * 1.5, TIMESTAMPTZ '2026-01-01 00:00:00Z' + ((i / 7) || ' milliseconds')::interval
         FROM generate_series(1, $1::int) i`,
      [rows],
    );
    await pool.query(`CREATE INDEX ${BILLING_TABLE}_sync ON ${BILLING_TABLE} (updated_at, customer_id)`);
    await pool.query(`VACUUM ANALYZE ${BILLING_TABLE}`);
  } finally {
    await pool.end();
  }
}
