import { Client } from 'pg';
import { fmt } from '../shared/bench-report';
import { walCounters, walLine, type WalCounters } from '../shared/pg-stats';

/** The dispatcher's tables whose writes follow a delivery: inserted, leased, finished, and one attempt row each. */
const TABLES = ['deliveries', 'delivery_attempts'];

interface TableCounters {
  inserted: number;
  updated: number;
  hot: number;
}

interface Snapshot {
  wal: WalCounters;
  tables: Map<string, TableCounters>;
}

/**
 * Row writes of the delivery tables (pg_stat_user_tables, the dispatcher's bench schema) and the server's WAL between two
 * readings: an UPDATE that is not HOT writes an entry into every index whose columns or predicate match the new row
 * version, so updates per delivery and their HOT share say what the indexes cost. The counters reach the shared
 * statistics when a backend flushes them (at most once a second while busy), so the last second may be missing.
 */
export class TableWrites {
  private constructor(
    private readonly databaseUrl: string,
    private readonly before: Snapshot,
  ) {}

  static async start(databaseUrl: string): Promise<TableWrites> {
    return new TableWrites(databaseUrl, await snapshot(databaseUrl));
  }

  async report(units: number, unit: string): Promise<string> {
    const after = await snapshot(this.databaseUrl);
    const tables = TABLES.map((t) => {
      const a = after.tables.get(t);
      const b = this.before.tables.get(t) ?? { inserted: 0, updated: 0, hot: 0 };
      if (!a) return `${t}: -`;
      const updated = a.updated - b.updated;
      const hot = a.hot - b.hot;
      return (
        `${t}: ${fmt((a.inserted - b.inserted) / units)} inserts and ${fmt(updated / units)} updates per ${unit}, ` +
        `${updated > 0 ? fmt((hot / updated) * 100) : '-'} % of the updates HOT`
      );
    });
    return [`row writes: ${tables.join('; ')}`, walLine(this.before.wal, after.wal, units, unit)].join('\n');
  }
}

async function snapshot(databaseUrl: string): Promise<Snapshot> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ relname: string; ins: string; upd: string; hot: string }>(
      `SELECT relname, n_tup_ins AS ins, n_tup_upd AS upd, n_tup_hot_upd AS hot
         FROM pg_stat_user_tables WHERE schemaname = 'bench_activation_dispatcher' AND relname = ANY($1::text[])`,
      [TABLES],
    );
    const tables = new Map(rows.map((r) => [r.relname, { inserted: Number(r.ins), updated: Number(r.upd), hot: Number(r.hot) }]));
    return { wal: await walCounters(databaseUrl), tables };
  } finally {
    await db.end();
  }
}
