#!/usr/bin/env node
// Runs a TypeScript entry point with swc (decorator metadata and tsconfig path aliases included),
// so `npm start` and `npm run kafka` need no build step.
const path = require('node:path');
require('./ts-require-hook');
const entry = process.argv[2];
if (!entry) {
  console.error('usage: node tools/run-ts.js <entry.ts> [args...]');
  process.exit(2);
}
process.argv.splice(1, 2, path.resolve(entry));
require(path.resolve(entry));
