// One embedded PostgreSQL per jest run; suites isolate themselves with fresh schemas (see test-database.ts).
// Workers inherit process.env, so TESSERA_TEST_DATABASE_URL reaches every suite.
const os = require('node:os');
const path = require('node:path');
const fs = require('node:fs');
const { startEmbeddedPostgres } = require('./embedded-pg');
const { freePort } = require('./free-port');

module.exports = async function globalSetup() {
  if (process.env.TESSERA_TEST_DATABASE_URL) return;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-test-pg-'));
  fs.chmodSync(dataDir, 0o755);
  const port = await freePort();
  const started = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), port, persistent: false });
  process.env.TESSERA_TEST_DATABASE_URL = started.url;
  globalThis.__TESSERA_TEST_PG__ = { ...started, dataDir };
};
