/**
 * Connectors benchmark (issue 15): rows/s from a connector into cdp.records.raw through the real service (its own
 * process, NODE_ENV=production) on the durable embedded broker and one embedded Postgres. The connector is the
 * service's generated-rows test connector (no source I/O), so the figure is the service's own ceiling: encoding,
 * the checkpoint transaction (records into the outbox with the cursor, row keys, run progress) and the relay. The
 * CSV and Postgres connectors' figures come from their own benches.
 *
 * The clock runs from POST /runs until the topic holds every row; "committed" is until the run succeeded.
 *
 * Usage: node tools/run-ts.js bench/connectors/run.ts [--rows 1000000] [--checkpoint-every 5000] [--cpu-prof DIR]
 */
import { Topics } from '@tessera/contracts';
import { freePort } from '@tessera/testing';
import { parseArgs } from 'node:util';
import { postgresCpuSeconds } from '../customer-360/postgres-cpu';
import { fmt, microsPerEvent, resultBlock } from '../shared/bench-report';
import { BenchRig } from '../shared/bench-rig';
import { endOffset } from '../shared/kafka-progress';
import { runMain } from '../shared/run-main';

const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
const TARGET_ROWS_PER_SECOND = 50_000;

runMain(async () => {
  const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, 'checkpoint-every': { type: 'string', default: '5000' }, 'cpu-prof': { type: 'string' } } });
  const rows = Number(values.rows);
  const checkpointEvery = Number(values['checkpoint-every']);
  await BenchRig.run({ workPrefix: 'tessera-bench-connectors-', clientId: 'bench-connectors', cpuProfDir: values['cpu-prof'] }, async (rig) => {
    const port = await freePort();
    const service = rig.spawn('connectors', 'services/connectors/src/test-support/generated-connectors.main.ts', {
      NODE_ENV: 'production', LOG_LEVEL: 'warn', PORT: String(port), DATABASE_URL: rig.databaseUrl, DATABASE_SCHEMA: 'bench_connectors',
      KAFKA_BROKERS: rig.brokers.join(','), TESSERA_ADMIN_TOKEN: ADMIN_TOKEN,
    });
    await service.waitForHttp(`http://127.0.0.1:${port}/readyz`, 300_000);
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return res.json() as Promise<Record<string, unknown>>;
    };
    await call('POST', '/v1/connections', {
      id: 'bench', connector: 'generated-rows', config: { rows, checkpointEvery }, sourceId: 'bench',
      streams: [{ name: 'rows', mapping: { email: 'email', tier: 'loyalty_tier', n: { to: 'n', cast: 'number' } }, identifierField: 'id' }],
    });
    const before = await endOffset(rig.admin, Topics.RecordsRaw);
    const cpuBefore = service.cpuSeconds();
    const pgBefore = postgresCpuSeconds(rig.pgDataDir);
    const brokerBefore = rig.broker.cpuSeconds();
    const started = Date.now();
    const run = await call('POST', '/v1/connections/bench/runs', {});
    let committedAt = 0;
    await rig.waitFor(async () => {
      if (!committedAt && (await call('GET', `/v1/runs/${String(run.id)}`)).state === 'succeeded') committedAt = Date.now();
      return (await endOffset(rig.admin, Topics.RecordsRaw)) - before >= rows;
    }, 1_800_000, 'every row on cdp.records.raw');
    const onTopicAt = Date.now();
    const cpu = service.cpuSeconds() - cpuBefore;
    const pgCpu = postgresCpuSeconds(rig.pgDataDir) - pgBefore;
    const brokerCpu = rig.broker.cpuSeconds() - brokerBefore;
    const final = await call('GET', `/v1/runs/${String(run.id)}`);
    if (final.state !== 'succeeded' || final.recordsEmitted !== rows) throw new Error(`run ended ${JSON.stringify(final)}`);
    const perSecond = rows / ((onTopicAt - started) / 1000);
    for (const line of resultBlock(
      ['rows', 'checkpoint every', 'committed (s)', 'on the topic (s)', 'rows/s into cdp.records.raw', 'CPU µs/row: service', 'Postgres', 'broker'],
      [fmt(rows), fmt(checkpointEvery), fmt(((committedAt || onTopicAt) - started) / 1000, 1), fmt((onTopicAt - started) / 1000, 1), fmt(perSecond), microsPerEvent(cpu, rows), microsPerEvent(pgCpu, rows), microsPerEvent(brokerCpu, rows)],
    )) console.log(line);
    console.log(`Target (issue 15): >= ${fmt(TARGET_ROWS_PER_SECOND)} rows/s: ${perSecond >= TARGET_ROWS_PER_SECOND ? 'met' : 'NOT met'}`);
  });
});
