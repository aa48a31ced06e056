const fs = require('node:fs');

module.exports = async function globalTeardown() {
  const started = globalThis.__TESSERA_TEST_PG__;
  if (!started) return;
  await started.stop();
  fs.rmSync(started.dataDir, { recursive: true, force: true });
};
