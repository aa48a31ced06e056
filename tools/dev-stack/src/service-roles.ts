import { Client } from 'pg';

export interface ServiceRole {
  /** The service's schema, which the role owns. */
  schema: string;
  /** Login role name; the dev stack uses `<schema>_svc`, as deploy/postgres/init does. */
  role: string;
  password: string;
}

/** `validation` -> `validation_svc`, the role name production uses (deploy/postgres/init/01-service-roles.sh). */
export const serviceRoleName = (schema: string): string => `${schema}_svc`;

/** The admin URL with the role's name and password in place of the superuser's. */
export function serviceDatabaseUrl(adminUrl: string, role: ServiceRole): string {
  const url = new URL(adminUrl);
  url.username = encodeURIComponent(role.role);
  url.password = encodeURIComponent(role.password);
  return url.toString();
}

/**
 * Gives each service what production gives it: a login role, without superuser or any other privilege, that
 * owns its schema and nothing else, so a query that reaches into another service's schema fails in development
 * too. Idempotent: a role that exists gets the new password; a schema (and the tables, sequences, types and
 * functions in it) created by an earlier dev stack that connected as the superuser is handed over to the role.
 * Names and passwords reach SQL only through format('%I' / '%L') on bound parameters.
 */
export async function provisionServiceRoles(adminUrl: string, roles: ServiceRole[]): Promise<void> {
  const client = new Client({ connectionString: adminUrl, application_name: 'tessera:dev-stack:roles' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('BEGIN');
    for (const role of roles) await provisionOne(client, role);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function provisionOne(client: Client, { schema, role, password }: ServiceRole): Promise<void> {
  const { rowCount: roleExists } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  await runFormatted(
    client,
    roleExists
      ? "SELECT format('ALTER ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD %L', $1::text, $2::text)"
      : "SELECT format('CREATE ROLE %I WITH LOGIN PASSWORD %L', $1::text, $2::text)",
    [role, password],
  );
  const { rowCount: schemaExists } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  if (!schemaExists) await runFormatted(client, "SELECT format('CREATE SCHEMA %I AUTHORIZATION %I', $1::text, $2::text)", [schema, role]);
  else await handOver(client, schema, role);
}

/** The schema and everything in it that someone else owns (an older dev stack ran the services as the superuser). */
async function handOver(client: Client, schema: string, role: string): Promise<void> {
  await runFormatted(
    client,
    `SELECT format('ALTER SCHEMA %I OWNER TO %I', n.nspname, $2::text) FROM pg_namespace n
      WHERE n.nspname = $1 AND n.nspowner <> (SELECT oid FROM pg_roles WHERE rolname = $2)
     UNION ALL
     -- Tables, views and free-standing sequences; indexes and a column's own sequence follow their table.
     SELECT format('ALTER TABLE %I.%I OWNER TO %I', n.nspname, c.relname, $2::text)
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = $2)
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i'))
     UNION ALL
     SELECT format('ALTER TYPE %I.%I OWNER TO %I', n.nspname, t.typname, $2::text)
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = $1 AND t.typtype IN ('e', 'd', 'r', 'm') AND t.typowner <> (SELECT oid FROM pg_roles WHERE rolname = $2)
     UNION ALL
     SELECT format('ALTER ROUTINE %I.%I(%s) OWNER TO %I', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid), $2::text)
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = $1 AND p.proowner <> (SELECT oid FROM pg_roles WHERE rolname = $2)`,
    [schema, role],
  );
}

/** Runs every statement the query builds (one per row, first column): DDL takes no bind parameters. */
async function runFormatted(client: Client, builder: string, params: string[]): Promise<void> {
  const { rows } = await client.query<[string]>({ text: builder, values: params, rowMode: 'array' });
  for (const [statement] of rows) await client.query(statement);
}
