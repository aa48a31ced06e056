import { describeConnectorConformance, readCommitted, type ReadMessage } from '@tessera/connector-sdk';
import { createTestSourceDatabase, freePort, type TestSourceDatabase, eventually } from '@tessera/testing';
import type { PostgresConfig, PostgresStreamConfig } from './postgres-config';
import { postgresConnector } from './postgres.connector';

let source: TestSourceDatabase;

// Seed 002's billing system: one row per customer, updated_at moved by every change.
const BILLING_TABLE = `
  CREATE TABLE billing_accounts (
    customer_id text PRIMARY KEY,
    email text,
    contract_end_date date,
    renewal_status text NOT NULL,
    seats integer,
    mrr numeric(10, 2),
    attributes jsonb,
    updated_at timestamptz NOT NULL
  );
  CREATE INDEX billing_accounts_sync ON billing_accounts (updated_at, customer_id);`;

beforeAll(async () => {
  source = await createTestSourceDatabase();
  await source.pool.query(BILLING_TABLE);
  // 25 accounts, three per second, so keyset pages of 4 split equal updated_at values.
  await source.pool.query(
    `INSERT INTO billing_accounts
     SELECT 'CUST-' || lpad(i::text, 3, '0'), 'c' || i || '@example.com', DATE '2026-06-30' + i, 'pending', i, i * 10.5,
            jsonb_build_object('region', 'eu'), TIMESTAMPTZ '2026-01-01 00:00:00Z' + ((i / 3) || ' seconds')::interval
       FROM generate_series(1, 25) i`,
  );
});
afterAll(() => source.drop());

const billingStream: PostgresStreamConfig = { name: 'billing', table: 'billing_accounts', replicationKey: 'updated_at' };
const connectionConfig = (password = 'tessera'): PostgresConfig => {
  const url = new URL(source.url);
  return {
    host: url.hostname,
    port: Number(url.port),
    database: source.database,
    user: url.username,
    password,
    streams: [billingStream],
    pageSize: 4,
  };
};
const urlConfig = (url: string, streams: PostgresStreamConfig[], pageSize = 4): PostgresConfig => ({
  connectionString: url,
  streams,
  pageSize,
});
const allKeys = async (): Promise<string[]> =>
  (await source.pool.query<{ customer_id: string }>('SELECT customer_id FROM billing_accounts')).rows.map((r) => r.customer_id);

describeConnectorConformance(postgresConnector, {
  stream: 'billing',
  goodConfig: () => connectionConfig(),
  unreachableConfig: () => connectionConfig('not-the-password'),
  invalidConfig: {
    config: { connectionString: 'postgres://x@localhost/db', streams: [{ name: 'billing', table: 'billing_accounts' }] },
    problemAt: '/streams/0/replicationKey',
  },
  rowKeys: allKeys,
  changeRows: async () => {
    await source.pool.query(
      `UPDATE billing_accounts SET renewal_status = 'confirmed', updated_at = TIMESTAMPTZ '2026-02-01 00:00:00Z' WHERE customer_id IN ('CUST-003', 'CUST-017')`,
    );
    await source.pool.query(
      `INSERT INTO billing_accounts VALUES ('CUST-026', 'c26@example.com', '2027-01-01', 'pending', 1, 10, '{}', TIMESTAMPTZ '2026-02-01 00:00:00Z')`,
    );
    return ['CUST-003', 'CUST-017', 'CUST-026'];
  },
});

describe('postgres connector', () => {
  it("seed 002's billing case: an update of one row is picked up by the next incremental read, exactly once", async () => {
    await source.pool.query(
      `CREATE TABLE billing_002 (customer_id text PRIMARY KEY, email text, contract_end_date date, renewal_status text, updated_at timestamptz NOT NULL DEFAULT now())`,
    );
    await source.pool.query(
      `INSERT INTO billing_002 (customer_id, email, contract_end_date, renewal_status, updated_at)
       SELECT 'B-' || i, 'b' || i || '@example.com', DATE '2026-09-30', 'pending', TIMESTAMPTZ '2026-03-01 00:00:00Z' FROM generate_series(1, 10) i`,
    );
    const config = urlConfig(source.url, [{ name: 'billing', table: 'billing_002', replicationKey: 'updated_at' }], 3);
    const initial = await readCommitted(postgresConnector, config, 'billing', null);
    expect(initial.records).toHaveLength(10);
    expect(initial.records[0].data).toEqual({
      customer_id: 'B-1',
      email: 'b1@example.com',
      contract_end_date: '2026-09-30',
      renewal_status: 'pending',
      updated_at: '2026-03-01T00:00:00Z',
    });

    await source.pool.query(`UPDATE billing_002 SET renewal_status = 'confirmed', updated_at = now() WHERE customer_id = 'B-7'`);
    const incremental = await readCommitted(postgresConnector, config, 'billing', initial.cursor);
    expect(incremental.records.map((r) => [r.rowKey, r.data.renewal_status])).toEqual([['B-7', 'confirmed']]);
    const next = await readCommitted(postgresConnector, config, 'billing', incremental.cursor);
    expect(next.records).toEqual([]);
  });

  it('pages through rows that share a replication-key value, and keeps microseconds in the cursor', async () => {
    await source.pool.query(`CREATE TABLE events_us (id bigint PRIMARY KEY, at timestamptz NOT NULL)`);
    // Seven rows in one millisecond: two share each microsecond; a cursor cut to milliseconds would repeat them.
    await source.pool.query(
      `INSERT INTO events_us SELECT i, TIMESTAMPTZ '2026-01-01 00:00:00.123Z' + ((i / 2) || ' microseconds')::interval FROM generate_series(1, 7) i`,
    );
    const config = urlConfig(source.url, [{ name: 'events', table: 'events_us', replicationKey: 'at' }], 2);
    const full = await readCommitted(postgresConnector, config, 'events', null);
    expect(full.records.map((r) => r.rowKey)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(full.records.map((r) => r.data.at)).toContain('2026-01-01T00:00:00.123003Z');
    expect(full.checkpoints).toBe(4);
    for (let crashAt = 1; crashAt < full.checkpoints; crashAt += 1) {
      const before = await readCommitted(postgresConnector, config, 'events', null, { stopAfterCheckpoint: crashAt });
      const after = await readCommitted(postgresConnector, config, 'events', before.cursor);
      expect([...before.records, ...after.records].map((r) => r.rowKey)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    }
  });

  it('reads numbers exactly: a number while a double holds the value, else the text Postgres wrote', async () => {
    await source.pool.query(
      `CREATE TABLE amounts (id int PRIMARY KEY, exact numeric, ratio float8, big bigint, at timestamptz NOT NULL DEFAULT now())`,
    );
    await source.pool.query(
      `INSERT INTO amounts (id, exact, ratio, big) VALUES
         (1, 1234.50, 0.1, 42),
         (2, 12345678901234567890.1234, 'Infinity', 9007199254740993),
         (3, 'NaN', 'NaN', -7)`,
    );
    const config = urlConfig(source.url, [{ name: 'amounts', table: 'amounts', replicationKey: 'id' }]);
    const { records } = await readCommitted(postgresConnector, config, 'amounts', null);
    expect(records.map((r) => [r.data.exact, r.data.ratio, r.data.big])).toEqual([
      [1234.5, 0.1, 42],
      // as numbers these were 12345678901234567000, null in JSON and 9007199254740992
      ['12345678901234567890.1234', 'Infinity', '9007199254740993'],
      ['NaN', 'NaN', -7],
    ]);
  });

  it('reads a query stream, by an increasing id that is also its primary key', async () => {
    const config = urlConfig(
      source.url,
      [
        {
          name: 'eu',
          query:
            "SELECT substr(customer_id, 6)::int AS id, customer_id, attributes->>'region' AS region FROM billing_accounts WHERE customer_id <= 'CUST-005';",
          replicationKey: 'id',
          primaryKey: ['id'],
        },
      ],
      2,
    );
    const read = await readCommitted(postgresConnector, config, 'eu', null);
    expect(read.records.map((r) => r.data)).toEqual([1, 2, 3, 4, 5].map((i) => ({ id: i, customer_id: `CUST-00${i}`, region: 'eu' })));
    const [stream] = await postgresConnector.discover(config);
    expect(stream).toMatchObject({ primaryKey: ['id'], cursorCandidates: ['id'] });
  });

  it('discover types the columns from information_schema, nullable ones with null', async () => {
    const [stream] = await postgresConnector.discover(connectionConfig());
    expect(stream.primaryKey).toEqual(['customer_id']);
    expect(stream.cursorCandidates).toEqual(['updated_at', 'contract_end_date', 'seats', 'mrr']);
    expect(stream.schema.properties).toEqual({
      customer_id: { type: 'string' },
      email: { type: ['string', 'null'] },
      contract_end_date: { type: ['string', 'null'], format: 'date' },
      renewal_status: { type: 'string' },
      seats: { type: ['integer', 'null'] },
      mrr: { type: ['number', 'string', 'null'], description: 'text when a double cannot hold it exactly, and NaN, ±Infinity' },
      attributes: {},
      updated_at: { type: 'string', format: 'date-time' },
    });
  });

  it('starts with an estimate of the rows left to read', async () => {
    const config = connectionConfig();
    const first: ReadMessage[] = [];
    for await (const m of postgresConnector.read(config, 'billing', null)) {
      first.push(m);
      break;
    }
    expect(first).toEqual([{ type: 'estimate', total: (await allKeys()).length }]);
  });

  it('stops between pages when its signal is aborted (a cancelled run), closing its connection', async () => {
    const controller = new AbortController();
    let seen = 0;
    const consume = async (): Promise<void> => {
      for await (const m of postgresConnector.read(connectionConfig(), 'billing', null, { signal: controller.signal })) {
        if (m.type !== 'records') continue;
        seen += m.records.length;
        controller.abort();
      }
    };
    await expect(consume()).rejects.toThrow(/aborted/);
    expect(seen).toBe(4);
    // The backend leaves pg_stat_activity a moment after the client has closed its socket.
    const openConnections = async (): Promise<number> =>
      (
        await source.pool.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'tessera-connector' AND datname = $1`,
          [source.database],
        )
      ).rows[0].n;
    await eventually(async () => (await openConnections()) === 0, 5_000, 'no open connection', 10);
  });

  it('refuses a cursor saved for other key columns', async () => {
    const read = readCommitted(postgresConnector, connectionConfig(), 'billing', { keys: ['id'], after: ['1'] });
    await expect(read).rejects.toThrow(
      'the saved cursor is ordered by (id), the stream now by (updated_at, customer_id): request a full refresh',
    );
  });
});

describe('postgres connector: check and config problems', () => {
  it('a wrong password fails in words, without the password, given as parts or in a connection string', async () => {
    const parts = await postgresConnector.check(connectionConfig('hunter2-wrong'));
    expect(parts).toEqual({
      ok: false,
      message: expect.stringMatching(
        /^could not connect to Postgres at 127\.0\.0\.1:\d+\/connector_src_\w+ as postgres: password authentication failed/,
      ),
    });
    const url = new URL(source.url);
    url.password = 'p@ss word/wrong';
    const fromUrl = await postgresConnector.check(urlConfig(url.toString(), [billingStream]));
    expect(fromUrl.ok).toBe(false);
    for (const text of [JSON.stringify(parts), JSON.stringify(fromUrl)]) {
      expect(text).not.toMatch(/hunter2|p@ss|p%40ss|ss word/);
    }
  });

  it('a closed port, a missing table and a missing key column each say what is wrong', async () => {
    const closed = await postgresConnector.check({ ...connectionConfig(), port: await freePort() });
    expect(closed).toEqual({
      ok: false,
      message: expect.stringMatching(
        /^could not connect to Postgres at 127\.0\.0\.1:\d+\/connector_src_\w+ as postgres: connect ECONNREFUSED/,
      ),
    });
    await expect(
      postgresConnector.check(urlConfig(source.url, [{ name: 'x', table: 'nope', replicationKey: 'updated_at' }])),
    ).resolves.toEqual({
      ok: false,
      message: 'stream x: the table "public"."nope" does not exist or cannot be seen by this user',
    });
    await expect(postgresConnector.check(urlConfig(source.url, [{ ...billingStream, replicationKey: 'modified' }]))).resolves.toEqual({
      ok: false,
      message: expect.stringMatching(/^stream billing: no column modified \(it has customer_id, email/),
    });
  });

  it('names each problem of a bad config at its JSON Pointer', () => {
    const problems = postgresConnector.validateConfig({
      connectionString: 'postgres://u@h/db',
      host: 'h',
      streams: [
        { name: 'a', table: 't', query: 'SELECT 1', replicationKey: 'id' },
        { name: 'b', query: 'DELETE FROM t', replicationKey: 'id' },
      ],
      pageSize: 0,
    });
    expect(problems.map((p) => p.path).sort()).toEqual(
      ['/host', '/pageSize', '/streams/0/query', '/streams/0/primaryKey', '/streams/1/primaryKey', '/streams/1/query'].sort(),
    );
    expect(postgresConnector.validateConfig({ streams: [billingStream] }).map((p) => p.path)).toEqual(
      expect.arrayContaining(['/connectionString', '/host', '/database', '/user']),
    );
  });
});
