import { randomBytes } from 'node:crypto';
import { Client, type Pool } from 'pg';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { createTestSchema, type TestSchema } from '@tessera/testing';
import { createServiceDataSource, createServicePool, dataSourcePool, type StructuredLogSink } from './index';

/** Counts real executions of `up`, to prove a second start does not re-run it. */
const applied: Record<string, number> = {};

class CreateWidgets1700000000000 implements MigrationInterface {
  name = 'CreateWidgets1700000000000';
  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = String((await queryRunner.query('SELECT current_schema() AS s'))[0].s);
    applied[schema] = (applied[schema] ?? 0) + 1;
    // Unqualified on purpose: search_path must put it in the service's schema.
    await queryRunner.query('CREATE TABLE widgets (id text PRIMARY KEY, size integer NOT NULL)');
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE widgets');
  }
}

class AddWidgetColour1700000000001 implements MigrationInterface {
  name = 'AddWidgetColour1700000000001';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE widgets ADD COLUMN colour text NOT NULL DEFAULT 'blue'");
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE widgets DROP COLUMN colour');
  }
}

const migrations = [CreateWidgets1700000000000, AddWidgetColour1700000000001];

async function adminQuery<T extends Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

function uniqueSchema(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

describe('createServiceDataSource (embedded Postgres)', () => {
  const url = process.env.TESSERA_TEST_DATABASE_URL as string;
  const schemasToDrop: string[] = [];
  const dataSources: DataSource[] = [];

  async function start(schema: string, extra: Partial<Parameters<typeof createServiceDataSource>[0]> = {}): Promise<DataSource> {
    if (!schemasToDrop.includes(schema)) schemasToDrop.push(schema);
    const dataSource = await createServiceDataSource({ url, schema, migrations, poolSize: 3, ...extra });
    dataSources.push(dataSource);
    return dataSource;
  }

  afterAll(async () => {
    await Promise.all(dataSources.filter((ds) => ds.isInitialized).map((ds) => ds.destroy()));
    for (const schema of schemasToDrop) await adminQuery(url, `DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });

  it('creates the missing schema and puts the migrated tables and the migrations table inside it', async () => {
    const schema = uniqueSchema('svc_a');
    await start(schema);
    const tables = await adminQuery<{ table_schema: string; table_name: string }>(
      url,
      "SELECT table_schema, table_name FROM information_schema.tables WHERE table_name IN ('widgets', 'typeorm_migrations') AND table_schema IN ($1, 'public') ORDER BY table_name",
      [schema],
    );
    expect(tables).toEqual([
      { table_schema: schema, table_name: 'typeorm_migrations' },
      { table_schema: schema, table_name: 'widgets' },
    ]);
    const columns = await adminQuery(
      url,
      "SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'widgets' ORDER BY ordinal_position",
      [schema],
    );
    expect(columns.map((row) => row.column_name)).toEqual(['id', 'size', 'colour']);
  });

  it('runs migrations once: a second start is a no-op', async () => {
    const schema = uniqueSchema('svc_b');
    const first = await start(schema);
    await first.query("INSERT INTO widgets (id, size) VALUES ('w1', 3)");
    await first.destroy();
    const second = await start(schema);
    expect(applied[schema]).toBe(1);
    const rows = await second.query('SELECT name FROM typeorm_migrations ORDER BY id');
    expect(rows.map((row: { name: string }) => row.name)).toEqual(['CreateWidgets1700000000000', 'AddWidgetColour1700000000001']);
    expect(await second.query('SELECT id, size, colour FROM widgets')).toEqual([{ id: 'w1', size: 3, colour: 'blue' }]);
  });

  it('applies each migration once when replicas start at the same time', async () => {
    const schema = uniqueSchema('svc_c');
    await Promise.all([start(schema), start(schema), start(schema)]);
    expect(applied[schema]).toBe(1);
    const [{ count }] = await adminQuery<{ count: string }>(url, `SELECT count(*) FROM "${schema}".typeorm_migrations`);
    expect(count).toBe('2');
  });

  it('keeps two services apart: same table names, separate data, no leak into public', async () => {
    const profile = await start(uniqueSchema('profile'));
    const segments = await start(uniqueSchema('segments'));
    await profile.query("INSERT INTO widgets (id, size) VALUES ('only-in-profile', 1)");
    expect(await profile.query('SELECT count(*)::int AS n FROM widgets')).toEqual([{ n: 1 }]);
    expect(await segments.query('SELECT count(*)::int AS n FROM widgets')).toEqual([{ n: 0 }]);
    const inPublic = await adminQuery(
      url,
      "SELECT 1 FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'widgets'",
    );
    expect(inPublic).toEqual([]);
  });

  it('binds search_path, application_name and statement_timeout on every pooled connection', async () => {
    const schema = uniqueSchema('svc_d');
    const dataSource = await start(schema, { statementTimeoutMs: 200, applicationName: 'tessera-test-app' });
    const settings = await Promise.all(
      [1, 2, 3].map(() =>
        dataSource.query(
          "SELECT current_setting('search_path') AS path, current_setting('application_name') AS app, current_setting('statement_timeout') AS timeout",
        ),
      ),
    );
    for (const [row] of settings) expect(row).toEqual({ path: schema, app: 'tessera-test-app', timeout: '200ms' });
    await expect(dataSource.query('SELECT pg_sleep(2)')).rejects.toMatchObject({ driverError: expect.objectContaining({ code: '57014' }) });
  });

  it('lifts the statement timeout for migrations only', async () => {
    class SlowMigration1700000000004 implements MigrationInterface {
      name = 'SlowMigration1700000000004';
      async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query('SELECT pg_sleep(0.4)');
      }
      async down(): Promise<void> {}
    }
    const dataSource = await start(uniqueSchema('svc_i'), {
      statementTimeoutMs: 150,
      migrations: [...migrations, SlowMigration1700000000004],
      poolSize: 1,
    });
    expect(await dataSource.query("SELECT current_setting('statement_timeout') AS timeout")).toEqual([{ timeout: '150ms' }]);
  });

  it('shares its schema-bound pool with raw pg code', async () => {
    const schema = uniqueSchema('svc_g');
    const dataSource = await start(schema);
    const pool = dataSourcePool(dataSource);
    const { rows } = await pool.query("SELECT current_setting('search_path') AS path, count(*)::int AS n FROM widgets");
    expect(rows).toEqual([{ path: schema, n: 0 }]);
  });

  it('fails start-up with the migration error and leaves no half-applied migration', async () => {
    class Broken1700000000002 implements MigrationInterface {
      name = 'Broken1700000000002';
      async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query('CREATE TABLE half_done (id int)');
        await queryRunner.query('SELECT * FROM no_such_table');
      }
      async down(): Promise<void> {}
    }
    const schema = uniqueSchema('svc_f');
    schemasToDrop.push(schema);
    const logged: Array<{ level: string; message?: string }> = [];
    const sink = Object.fromEntries(
      ['debug', 'info', 'warn', 'error'].map((level) => [level, (_fields: object, message?: string) => logged.push({ level, message })]),
    ) as unknown as StructuredLogSink;
    await expect(createServiceDataSource({ url, schema, migrations: [...migrations, Broken1700000000002], logger: sink })).rejects.toThrow(
      /no_such_table/,
    );
    expect(logged).toContainEqual({ level: 'error', message: expect.stringMatching(/Migration "Broken1700000000002" failed/) });
    expect(logged).toContainEqual({
      level: 'info',
      message: expect.stringMatching(/Migration CreateWidgets1700000000000 has been executed successfully/),
    });
    const tables = await adminQuery(url, 'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name', [
      schema,
    ]);
    expect(tables.map((row) => row.table_name)).toEqual(['typeorm_migrations', 'widgets']);
  });
});

describe('createServicePool (embedded Postgres)', () => {
  let first: TestSchema;
  let second: TestSchema;
  const pools: Pool[] = [];

  function poolFor(schema: string, url = first.url): Pool {
    const pool = createServicePool({ url, schema, poolSize: 2 });
    pools.push(pool);
    return pool;
  }

  beforeAll(async () => {
    first = await createTestSchema('pool_a');
    second = await createTestSchema('pool_b');
  });
  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.end()));
    await first?.drop();
    await second?.drop();
  });

  it('puts unqualified raw SQL in the bound schema', async () => {
    const pool = poolFor(first.schema);
    await pool.query('CREATE TABLE offsets (topic text, partition int, next_offset bigint)');
    await pool.query('INSERT INTO offsets VALUES ($1, $2, $3)', ['cdp.events.raw', 0, '42']);
    const located = await pool.query(
      "SELECT table_schema FROM information_schema.tables WHERE table_name = 'offsets' AND table_schema = ANY($1)",
      [[first.schema, second.schema, 'public']],
    );
    expect(located.rows).toEqual([{ table_schema: first.schema }]);
    await expect(poolFor(second.schema).query('SELECT * FROM offsets')).rejects.toMatchObject({ code: '42P01' });
  });

  it('keeps the schema binding when the URL carries its own options', async () => {
    const url = `${first.url}?options=${encodeURIComponent('-c lock_timeout=1234')}`;
    const { rows } = await poolFor(second.schema, url).query(
      "SELECT current_setting('search_path') AS path, current_setting('lock_timeout') AS lock",
    );
    expect(rows).toEqual([{ path: second.schema, lock: '1234ms' }]);
  });

  it('refuses schema names that are not plain identifiers', () => {
    expect(() => createServicePool({ url: first.url, schema: 'x; DROP SCHEMA public' })).toThrow(/Invalid schema name/);
    expect(() => createServicePool({ url: first.url, schema: 'pg_catalog' })).toThrow(/reserved/);
  });
});
