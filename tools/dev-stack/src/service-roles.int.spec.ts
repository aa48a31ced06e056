import { randomBytes } from 'node:crypto';
import { testDatabaseUrl } from '@tessera/testing';
import { Client } from 'pg';
import { provisionServiceRoles, serviceDatabaseUrl, type ServiceRole } from './service-roles';

// Unique role and schema names: roles are cluster-wide on jest's shared Postgres.
const suffix = randomBytes(4).toString('hex');
const role = (schema: string, password: string): ServiceRole => ({
  schema: `${schema}_${suffix}`,
  role: `${schema}_${suffix}_svc`,
  password,
});

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe('provisionServiceRoles (the dev stack connects each service with its own role)', () => {
  const admin = testDatabaseUrl();
  const validation = role('validation', `it's a "quote"; DROP ROLE postgres; --`);
  const identity = role('identity', 'p@ss/word:with?url#chars%');
  const legacy = role('profile', 'legacy-0123');

  afterAll(() =>
    withClient(admin, async (client) => {
      for (const { schema, role: name } of [validation, identity, legacy]) {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.query(`DROP ROLE IF EXISTS "${name}"`);
      }
    }),
  );

  it('lets a service role use its own schema and refuses it every other schema', async () => {
    await provisionServiceRoles(admin, [validation, identity]);
    await withClient(serviceDatabaseUrl(admin, identity), async (client) => {
      await client.query(`CREATE TABLE "${identity.schema}".links (value text)`);
      await client.query(`INSERT INTO "${identity.schema}".links VALUES ('the resolver''s own')`);
      expect((await client.query(`SELECT value FROM "${identity.schema}".links`)).rows).toEqual([{ value: "the resolver's own" }]);
    });
    await withClient(serviceDatabaseUrl(admin, validation), async (client) => {
      await expect(client.query(`SELECT value FROM "${identity.schema}".links`)).rejects.toMatchObject({ code: '42501' });
      await expect(client.query(`CREATE TABLE "${identity.schema}".intruder (id int)`)).rejects.toMatchObject({ code: '42501' });
      await expect(client.query('CREATE TABLE public.spill (id int)')).rejects.toMatchObject({ code: '42501' });
      const { rows } = await client.query('SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user');
      expect(rows).toEqual([{ rolsuper: false, rolcreaterole: false, rolcreatedb: false }]);
    });
  });

  it('hands a schema an earlier dev stack created as the superuser, and all in it, to the role; and sets a new password', async () => {
    await withClient(admin, async (client) => {
      await client.query(`CREATE SCHEMA "${legacy.schema}"`);
      await client.query(`CREATE TYPE "${legacy.schema}".tier AS ENUM ('gold', 'silver')`);
      await client.query(
        `CREATE TABLE "${legacy.schema}".profiles (id bigserial PRIMARY KEY, seq_id int GENERATED ALWAYS AS IDENTITY, tier "${legacy.schema}".tier)`,
      );
      await client.query(`CREATE SEQUENCE "${legacy.schema}".free_standing`);
      await client.query(`CREATE VIEW "${legacy.schema}".gold AS SELECT id FROM "${legacy.schema}".profiles WHERE tier = 'gold'`);
      await client.query(`CREATE FUNCTION "${legacy.schema}".twice(x int) RETURNS int LANGUAGE sql AS 'SELECT x * 2'`);
    });
    await provisionServiceRoles(admin, [legacy]);
    await provisionServiceRoles(admin, [{ ...legacy, password: 'rotated-4567' }]);

    await expect(withClient(serviceDatabaseUrl(admin, legacy), async () => undefined)).rejects.toMatchObject({ code: '28P01' });
    await withClient(serviceDatabaseUrl(admin, { ...legacy, password: 'rotated-4567' }), async (client) => {
      await client.query(`INSERT INTO "${legacy.schema}".profiles (tier) VALUES ('gold')`);
      expect((await client.query(`SELECT count(*)::int AS n FROM "${legacy.schema}".gold`)).rows).toEqual([{ n: 1 }]);
      expect(
        (await client.query(`SELECT nextval('"${legacy.schema}".free_standing')::int AS n, "${legacy.schema}".twice(21) AS t`)).rows,
      ).toEqual([{ n: 1, t: 42 }]);
      await client.query(`ALTER TABLE "${legacy.schema}".profiles ADD COLUMN note text`);
      await client.query(`DROP SCHEMA "${legacy.schema}" CASCADE`);
    });
  });
});
