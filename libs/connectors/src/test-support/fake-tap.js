#!/usr/bin/env node
'use strict';
// A Singer tap for tests (run as `node fake-tap.js`): `--config`, `--state`, `--catalog`/`--properties`, `--discover`.
// Its source is a JSON file named by the config's `dataFile`: { "customers": [rows], "orders": [rows] }, read in
// (updated_at, key) order from the bookmark in the state. Switches, all in the config:
//   stateEvery (3)    a STATE after every n records of a stream, and one at its end;
//   failAfter n       exit 2 after n records (after printing the config's password to stderr, to test redaction);
//   malformedAt n     print a line that is not JSON after n records;  unknownTypeAt n: a message of type "BATCH";
//   activateVersion   full-table replication: every row on every run (the bookmark ignored), ACTIVATE_VERSION before
//                     and after each stream;
//   forever           endless records, never exits (kill tests), its pid written to `pidFile`;
//   hangAfter n       with forever: after n records print nothing more, and never exit (a silent tap);
//   requireEnv NAME   exit 3 unless the environment holds NAME.
const fs = require('node:fs');

const STREAMS = {
  customers: {
    key: ['id'],
    schema: {
      type: 'object',
      properties: {
        id: { type: 'string' },
        email: { type: ['string', 'null'] },
        tier: { type: ['string', 'null'] },
        updated_at: { type: 'string', format: 'date-time' },
      },
    },
  },
  orders: {
    key: ['order_id'],
    schema: {
      type: 'object',
      properties: {
        order_id: { type: 'integer' },
        customer_id: { type: 'string' },
        total: { type: 'number' },
        updated_at: { type: 'string', format: 'date-time' },
      },
    },
  },
};

const argv = process.argv.slice(2);
const flag = (name) => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
};
const readJson = (path) => JSON.parse(fs.readFileSync(path, 'utf8'));
const emit = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

const config = readJson(flag('--config'));
if (config.requireEnv && !process.env[config.requireEnv]) {
  process.stderr.write(`fake-tap: ${config.requireEnv} is not set\n`);
  process.exit(3);
}

if (argv.includes('--discover')) {
  emit({
    streams: Object.entries(STREAMS).map(([name, s]) => ({
      tap_stream_id: name,
      stream: name,
      schema: s.schema,
      key_properties: s.key,
      metadata: [
        {
          breadcrumb: [],
          metadata: { 'table-key-properties': s.key, 'valid-replication-keys': ['updated_at'], 'forced-replication-method': 'INCREMENTAL' },
        },
      ],
    })),
  });
  process.exit(0);
}

const catalogPath = flag('--catalog') ?? flag('--properties');
const selected = catalogPath
  ? readJson(catalogPath)
      .streams.filter((s) => s.metadata?.find((m) => m.breadcrumb.length === 0)?.metadata.selected)
      .map((s) => s.tap_stream_id)
  : Object.keys(STREAMS);
const state = flag('--state') ? readJson(flag('--state')) : { bookmarks: {} };
const data = readJson(config.dataFile);
let emitted = 0;

function afterRecord() {
  emitted += 1;
  if (emitted === config.failAfter) {
    process.stderr.write(`fake-tap: lost the connection (password=${config.password})\nfake-tap: giving up\n`);
    process.exit(2);
  }
  if (emitted === config.malformedAt) process.stdout.write('this is not a Singer message\n');
  if (emitted === config.unknownTypeAt) emit({ type: 'BATCH', stream: 'customers', manifest: [] });
}

async function main() {
  if (config.forever) {
    fs.writeFileSync(config.pidFile, String(process.pid));
    emit({ type: 'SCHEMA', stream: 'customers', schema: STREAMS.customers.schema, key_properties: ['id'] });
    for (let i = 1; ; i += 1) {
      if (i > config.hangAfter) await new Promise(() => setInterval(() => undefined, 60_000));
      // honour backpressure, as a real tap blocks on a full pipe
      if (!process.stdout.write(`${JSON.stringify({ type: 'RECORD', stream: 'customers', record: { id: `F-${i}` } })}\n`)) {
        await new Promise((resolve) => process.stdout.once('drain', resolve));
      }
    }
  }
  for (const name of selected) {
    const { key, schema } = STREAMS[name];
    const keyOf = (row) => String(row[key[0]]).padStart(12, '0');
    const bookmark = state.bookmarks[name];
    const rows = (data[name] ?? [])
      .filter(
        (row) =>
          !bookmark ||
          config.activateVersion ||
          row.updated_at > bookmark.updated_at ||
          (row.updated_at === bookmark.updated_at && keyOf(row) > bookmark.key),
      )
      .sort((a, b) => (a.updated_at === b.updated_at ? keyOf(a).localeCompare(keyOf(b)) : a.updated_at.localeCompare(b.updated_at)));
    const version = Date.now();
    emit({ type: 'SCHEMA', stream: name, schema, key_properties: key, bookmark_properties: ['updated_at'] });
    if (config.activateVersion) emit({ type: 'ACTIVATE_VERSION', stream: name, version });
    let sinceState = 0;
    for (const row of rows) {
      emit({
        type: 'RECORD',
        stream: name,
        record: row,
        ...(config.activateVersion ? { version } : {}),
        time_extracted: new Date().toISOString(),
      });
      state.bookmarks[name] = { updated_at: row.updated_at, key: keyOf(row) };
      afterRecord();
      sinceState += 1;
      if (sinceState === (config.stateEvery ?? 3)) {
        emit({ type: 'STATE', value: state });
        sinceState = 0;
      }
    }
    if (config.activateVersion) emit({ type: 'ACTIVATE_VERSION', stream: name, version });
    emit({ type: 'STATE', value: state });
  }
}

main().catch((error) => {
  process.stderr.write(`fake-tap: ${error.stack}\n`);
  process.exit(1);
});
