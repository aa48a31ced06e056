/**
 * Connectors benchmark (issue 15): rows/s from a connector into cdp.records.raw through the real service (its own
 * process, NODE_ENV=production) on the durable embedded broker and one embedded Postgres. Sources:
 * - `csv`: the built-in files connector over a generated CRM CSV (bench/connectors-read/bench-sources.ts);
 * - `postgres`: the built-in postgres connector over a generated billing table, in a database of its own
 *   (`bench_source`) on the same Postgres (so the Postgres CPU figure includes the source reads);
 * - `generated`: the service's generated-rows test connector (no source I/O): the service's own ceiling.
 * Each source is one connection and one run, measured in turn.
 *
 * The clock runs from POST /runs until the topic holds every row; "committed" is until the run succeeded.
 * With --profiles, validation, the identity resolver and the profile merger run too (main.ts, each its own process),
 * and the clock also stops when every profile reflects its row: the three services have committed every record
 * and as many active profiles as rows carry the source's own trait (given-name, renewal_status or n).
 *
 * Usage: node tools/run-ts.js bench/connectors/run.ts [--sources csv,postgres,generated] [--rows 1000000]
 *        [--checkpoint-every 5000] [--profiles] [--cpu-prof DIR] [--pg-stats]
 * --pg-stats prints the statements with the most execution time during each source's run (the source reads too),
 * and the WAL written and checkpoints taken meanwhile.
 */
import { Topics } from '@tessera/contracts';
import { freePort } from '@tessera/testing';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import { BILLING_TABLE, createBillingTable, writeCrmCsv } from '../connectors-read/bench-sources';
import { postgresCpuSeconds } from '../shared/postgres-cpu';
import { fmt, machineLine, microsPerEvent } from '../shared/bench-report';
import { PG_STATS_SETTINGS, resetPgStats, topStatements, walCounters, walLine } from '../shared/pg-stats';
import { BenchRig } from '../shared/bench-rig';
import { committed, endOffset } from '../shared/kafka-progress';
import { runMain } from '../shared/run-main';

const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
const TARGET_ROWS_PER_SECOND = 50_000;
const SOURCES = ['csv', 'postgres', 'generated'] as const;
type Source = (typeof SOURCES)[number];

/** A trait only this source's mapping sets: a profile carrying it reflects the source's row. */
const OWN_TRAIT: Record<Source, string> = { csv: 'given-name', postgres: 'renewal_status', generated: 'n' };
const DOWNSTREAM = ['validation', 'identity-resolver', 'profile-merger'] as const;
const MERGER_SCHEMA = 'bench_profile_merger';

/** Every record on its way to the profiles was committed by the service that reads it. */
async function recordsCaughtUp(rig: BenchRig): Promise<boolean> {
  for (const [group, topic] of [
    ['validation', Topics.RecordsRaw],
    ['identity-resolver', Topics.RecordsValid],
    ['profile-merger', Topics.EventsResolved],
  ] as const) {
    if ((await committed(rig.admin, group, topic)) < (await endOffset(rig.admin, topic))) return false;
  }
  return true;
}

async function profilesWithTrait(pool: Pool, field: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(DISTINCT t.profile_id)::int AS n FROM ${MERGER_SCHEMA}.profile_traits t JOIN ${MERGER_SCHEMA}.profiles p USING (profile_id)
      WHERE p.status = 'active' AND t.field = $1 AND t.value IS NOT NULL`,
    [field],
  );
  return rows[0].n;
}

/** The connection each source gets (connector, config, one stream and its mapping). */
async function connectionFor(source: Source, rig: BenchRig, rows: number, checkpointEvery: number): Promise<Record<string, unknown>> {
  if (source === 'generated') {
    return {
      connector: 'generated-rows',
      config: { rows, checkpointEvery },
      streams: [{ name: 'rows', mapping: { email: 'email', tier: 'loyalty_tier', n: { to: 'n', cast: 'number' } }, identifierField: 'id' }],
    };
  }
  if (source === 'csv') {
    const directory = join(rig.work, 'csv');
    mkdirSync(directory, { recursive: true });
    await writeCrmCsv(join(directory, 'crm-0001.csv'), rows);
    return {
      connector: 'files',
      config: { directory, streams: [{ name: 'crm', pattern: 'crm-*', format: 'csv', primaryKey: 'customer_id', checkpointEvery }] },
      streams: [
        {
          name: 'crm',
          mapping: {
            email: 'email',
            first_name: 'given-name',
            last_name: 'surname',
            tier: 'loyalty_tier',
            contract_end_date: { to: 'contract_end_date', cast: 'date' },
          },
          identifierField: 'customer_id',
        },
      ],
    };
  }
  const admin = new Pool({ connectionString: rig.databaseUrl, max: 1 });
  await admin.query('CREATE DATABASE bench_source').finally(() => admin.end());
  const url = new URL(rig.databaseUrl);
  url.pathname = '/bench_source';
  await createBillingTable(url.toString(), rows);
  return {
    connector: 'postgres',
    config: {
      connectionString: url.toString(),
      pageSize: checkpointEvery,
      streams: [{ name: 'billing', table: BILLING_TABLE, replicationKey: 'updated_at' }],
    },
    streams: [
      {
        name: 'billing',
        mapping: {
          email: 'email',
          renewal_status: 'renewal_status',
          tier: 'loyalty_tier',
          contract_end_date: { to: 'contract_end_date', cast: 'date' },
        },
        identifierField: 'customer_id',
      },
    ],
  };
}

runMain(async () => {
  const { values } = parseArgs({
    options: {
      sources: { type: 'string', default: SOURCES.join(',') },
      rows: { type: 'string', default: '1000000' },
      'checkpoint-every': { type: 'string', default: '5000' },
      'cpu-prof': { type: 'string' },
      profiles: { type: 'boolean', default: false },
      'pg-stats': { type: 'boolean', default: false },
    },
  });
  const rows = Number(values.rows);
  const checkpointEvery = Number(values['checkpoint-every']);
  const sources = values.sources.split(',') as Source[];
  for (const s of sources) if (!SOURCES.includes(s)) throw new Error(`--sources: ${s} is not one of ${SOURCES.join(', ')}`);
  await BenchRig.run(
    {
      workPrefix: 'tessera-bench-connectors-',
      clientId: 'bench-connectors',
      cpuProfDir: values['cpu-prof'],
      pgSettings: values['pg-stats'] ? PG_STATS_SETTINGS : [],
    },
    async (rig) => {
      const port = await freePort();
      // The service's test entry: the built-in connectors plus generated-rows.
      const service = rig.spawn('connectors', 'services/connectors/src/test-support/generated-connectors.main.ts', {
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        PORT: String(port),
        DATABASE_URL: rig.databaseUrl,
        DATABASE_SCHEMA: 'bench_connectors',
        KAFKA_BROKERS: rig.brokers.join(','),
        TESSERA_ADMIN_TOKEN: ADMIN_TOKEN,
      });
      await service.waitForHttp(`http://127.0.0.1:${port}/readyz`, 300_000);
      for (const name of values.profiles ? DOWNSTREAM : []) {
        const servicePort = await freePort();
        const child = rig.spawn(name, `services/${name}/src/main.ts`, {
          NODE_ENV: 'production',
          LOG_LEVEL: 'warn',
          PORT: String(servicePort),
          DATABASE_URL: rig.databaseUrl,
          DATABASE_SCHEMA: `bench_${name.replace(/-/g, '_')}`,
          KAFKA_BROKERS: rig.brokers.join(','),
          TESSERA_ADMIN_TOKEN: ADMIN_TOKEN,
        });
        await child.waitForHttp(`http://127.0.0.1:${servicePort}/readyz`, 300_000);
      }
      const merger = new Pool({ connectionString: rig.databaseUrl, max: 1 });
      const call = async (method: string, path: string, body?: unknown) => {
        const res = await fetch(`http://127.0.0.1:${port}${path}`, {
          method,
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
        return res.json() as Promise<Record<string, unknown>>;
      };
      const lines: string[][] = [];
      for (const source of sources) {
        await call('POST', '/v1/connections', {
          id: `bench-${source}`,
          sourceId: `bench-${source}`,
          ...(await connectionFor(source, rig, rows, checkpointEvery)),
        });
        if (values['pg-stats']) await resetPgStats(rig.databaseUrl);
        const walBefore = values['pg-stats'] ? await walCounters(rig.databaseUrl) : null;
        const before = await endOffset(rig.admin, Topics.RecordsRaw);
        const cpuBefore = service.cpuSeconds();
        const pgBefore = postgresCpuSeconds(rig.pgDataDir);
        const brokerBefore = rig.broker.cpuSeconds();
        const started = Date.now();
        const run = await call('POST', `/v1/connections/bench-${source}/runs`, {});
        let committedAt = 0;
        await rig.waitFor(
          async () => {
            if (!committedAt && (await call('GET', `/v1/runs/${String(run.id)}`)).state === 'succeeded') committedAt = Date.now();
            return (await endOffset(rig.admin, Topics.RecordsRaw)) - before >= rows;
          },
          1_800_000,
          `every ${source} row on cdp.records.raw`,
        );
        const onTopicAt = Date.now();
        // The run's last transaction (a full refresh settling its row keys) may commit after the relay published
        // every row: the run is done, and its CPU counted, once it has.
        if (!committedAt) {
          const ended = async () => (await call('GET', `/v1/runs/${String(run.id)}`)).state !== 'running';
          await rig.waitFor(ended, 600_000, `the ${source} run to end`);
          committedAt = Date.now();
        }
        const cpu = service.cpuSeconds() - cpuBefore;
        const pgCpu = postgresCpuSeconds(rig.pgDataDir) - pgBefore;
        const brokerCpu = rig.broker.cpuSeconds() - brokerBefore;
        if (walBefore) {
          process.stdout.write(`${source}:${await topStatements(rig.databaseUrl)}`);
          console.log(`${source}: ${walLine(walBefore, await walCounters(rig.databaseUrl), rows, 'row')}`);
        }
        const final = await call('GET', `/v1/runs/${String(run.id)}`);
        if (final.state !== 'succeeded' || final.recordsEmitted !== rows) throw new Error(`${source} run ended ${JSON.stringify(final)}`);
        const perSecond = rows / ((onTopicAt - started) / 1000);
        let inProfiles = '-';
        if (values.profiles) {
          await rig.waitFor(
            async () => (await recordsCaughtUp(rig)) && (await profilesWithTrait(merger, OWN_TRAIT[source])) >= rows,
            7_200_000,
            `every ${source} row in a profile`,
          );
          inProfiles = fmt((Date.now() - started) / 1000, 1);
        }
        lines.push([
          source,
          fmt(rows),
          fmt((committedAt - started) / 1000, 1),
          fmt((onTopicAt - started) / 1000, 1),
          fmt(perSecond),
          microsPerEvent(cpu, rows),
          microsPerEvent(pgCpu, rows),
          microsPerEvent(brokerCpu, rows),
          perSecond >= TARGET_ROWS_PER_SECOND ? 'met' : 'NOT met',
          inProfiles,
        ]);
        console.log(
          `${source}: ${fmt(perSecond)} rows/s${values.profiles ? `; every profile reflects its row after ${inProfiles} s` : ''}`,
        );
      }
      const heads = [
        'source',
        'rows',
        'committed (s)',
        'on the topic (s)',
        'rows/s into cdp.records.raw',
        'CPU µs/row: service',
        'Postgres',
        'broker',
        `target ${fmt(TARGET_ROWS_PER_SECOND)}/s`,
        'every profile reflects its row (s)',
      ];
      console.log(`\ncheckpoint every ${fmt(checkpointEvery)} rows`);
      console.log(`| ${heads.join(' | ')} |`);
      console.log(`|${heads.map(() => '---').join('|')}|`);
      for (const l of lines) console.log(`| ${l.join(' | ')} |`);
      console.log(machineLine());
      await merger.end();
    },
  );
});
