#!/usr/bin/env node
// Container entry point: `node deploy/docker/start-service.js <service>` (or SERVICE=<service>) runs one
// compiled service from dist/. The same image serves all six; the name is checked against the catalog.
const path = require('node:path');

const dist = path.resolve(__dirname, '..', '..', 'dist');
const { SERVICE_NAMES } = require(path.join(dist, 'libs', 'config', 'src'));
const name = process.argv[2] || process.env.SERVICE;
if (!name || !SERVICE_NAMES.includes(name)) {
  process.stderr.write(
    `usage: start-service.js <service> (or SERVICE=<service>); expected one of: ${SERVICE_NAMES.join(', ')}; got ${JSON.stringify(name ?? '')}\n`,
  );
  process.exit(2);
}
require(path.join(dist, 'services', name, 'src', 'main.js'));
