import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { SERVICE_CATALOG, SERVICE_NAMES } from '@tessera/config';
import { testDatabaseUrl } from '@tessera/testing';
import { Client } from 'pg';
import { REPO_ROOT } from './dev-stack-settings';

// docker-compose's Postgres init script, run as the official image runs it (sh, psql, POSTGRES_USER/POSTGRES_DB),
// against jest's real PostgreSQL, in a database of its own. Its roles are cluster-wide and named as in
// production (<schema>_svc); no other suite creates those, and this one drops them at the end.

const SCRIPT = path.join(REPO_ROOT, 'deploy', 'postgres', 'init', '01-service-roles.sh');
const passwordVariable = (name: string) => `${name.toUpperCase().replace(/-/g, '_')}_DB_PASSWORD`;
/** Quotes, a backslash, a dollar and an attempt to end the literal and run a statement of its own. */
const HOSTILE_PASSWORDS = [
  `it's`,
  `x'; CREATE ROLE injected SUPERUSER LOGIN; --`,
  `back\\slash'"`,
  `$1 '' $$ :'password'`,
  `plain-0123`,
  `tab\there`,
];

const exec = promisify(execFile);

describe('deploy/postgres/init/01-service-roles.sh', () => {
  const superuser = new URL(testDatabaseUrl());
  const database = `init_script_${randomBytes(4).toString('hex')}`;
  const adminUrl = (db: string) => Object.assign(new URL(superuser), { pathname: `/${db}` }).toString();
  const asAdmin = async <T>(db: string, work: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ connectionString: adminUrl(db) });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  const passwords = new Map(SERVICE_NAMES.map((name, index) => [name, HOSTILE_PASSWORDS[index % HOSTILE_PASSWORDS.length]]));

  const connectAs = async (role: string, password: string): Promise<Client> => {
    const client = new Client({ host: '127.0.0.1', port: Number(superuser.port), database, user: role, password });
    await client.connect();
    return client;
  };

  beforeAll(() => asAdmin('postgres', (client) => client.query(`CREATE DATABASE ${database}`)));

  afterAll(() =>
    asAdmin('postgres', async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      for (const name of SERVICE_NAMES) await client.query(`DROP ROLE IF EXISTS ${SERVICE_CATALOG[name].schema}_svc`);
      await client.query('DROP ROLE IF EXISTS injected');
    }),
  );

  it('creates one login role per service with exactly its password, even one holding quotes, and nothing else', async () => {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      PGHOST: '127.0.0.1',
      PGPORT: superuser.port,
      PGPASSWORD: decodeURIComponent(superuser.password),
      POSTGRES_USER: decodeURIComponent(superuser.username),
      POSTGRES_DB: database,
      ...Object.fromEntries([...passwords].map(([name, password]) => [passwordVariable(name), password])),
    };
    await exec('sh', [SCRIPT], { env });

    for (const name of SERVICE_NAMES) {
      const { schema } = SERVICE_CATALOG[name];
      const client = await connectAs(`${schema}_svc`, passwords.get(name)!);
      try {
        const { rows } = await client.query('SELECT nspowner::regrole::text AS owner FROM pg_namespace WHERE nspname = $1', [schema]);
        expect({ schema, owner: rows[0]?.owner }).toEqual({ schema, owner: `${schema}_svc` });
        const role = await client.query('SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user');
        expect(role.rows[0]).toEqual({ rolsuper: false, rolcreaterole: false, rolcreatedb: false });
      } finally {
        await client.end();
      }
    }
    const injected = await asAdmin(database, (client) => client.query("SELECT rolname FROM pg_roles WHERE rolname = 'injected'"));
    expect(injected.rows).toEqual([]);
  });

  it('gives a service role no access to another service schema', async () => {
    const validation = await connectAs('validation_svc', passwords.get('validation')!);
    const identity = await connectAs('identity_svc', passwords.get('identity-resolver')!);
    try {
      await identity.query('CREATE TABLE identity.secrets (value text)');
      await identity.query("INSERT INTO identity.secrets VALUES ('only the resolver reads this')");
      await expect(validation.query('SELECT value FROM identity.secrets')).rejects.toMatchObject({ code: '42501' });
      await expect(validation.query('CREATE TABLE identity.intruder (id int)')).rejects.toMatchObject({ code: '42501' });
      await expect(validation.query('CREATE TABLE public.spill (id int)')).rejects.toMatchObject({ code: '42501' });
      expect((await identity.query('SELECT value FROM identity.secrets')).rows).toEqual([{ value: 'only the resolver reads this' }]);
    } finally {
      await validation.end();
      await identity.end();
    }
  });

  it('refuses to run when a service password is missing', async () => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, POSTGRES_USER: 'postgres', POSTGRES_DB: database };
    await expect(exec('sh', [SCRIPT], { env })).rejects.toMatchObject({
      stderr: expect.stringContaining('INGEST_GATEWAY_DB_PASSWORD must be set'),
    });
  });
});
