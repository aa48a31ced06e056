import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SERVICE_CATALOG, SERVICE_NAMES } from '@tessera/config';
import { eventually } from '@tessera/testing';
import { Client } from 'pg';
import {
  portIsClosed,
  startedStacks,
  startStack,
  STARTUP_TIMEOUT_MS,
  stopStack,
  STOP_TIMEOUT_MS,
  waitForBanner,
  type Banner,
  type StackRun,
} from './test-support/dev-stack-run';
import { ScenarioClient } from './test-support/scenario-client';

// kill -9 of each part of a running `npm start`: a service, the broker, Postgres, and the runner itself.

const FAULT_TIMEOUT_MS = 180_000;

interface ProcessInfo {
  pid: number;
  ppid: number;
  cmdline: string;
}

function processTable(): ProcessInfo[] {
  const table: ProcessInfo[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      table.push({ pid: Number(entry), ppid, cmdline });
    } catch {
      // exited while we looked
    }
  }
  return table;
}

/** Alive and not a zombie (a zombie has exited; it waits only to be reaped). */
function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function descendants(root: number): ProcessInfo[] {
  const table = processTable();
  const found: ProcessInfo[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const child of table.filter((p) => p.ppid === parent)) {
      found.push(child);
      queue.push(child.pid);
    }
  }
  return found;
}

/** The runner's children by role: each service, the broker, the postmaster, the orphan guard. */
function children(runnerPid: number): Record<string, number> {
  const roles: Record<string, number> = {};
  for (const child of processTable().filter((p) => p.ppid === runnerPid)) {
    const service = /services\/([a-z-]+)\/src\/main\.ts/.exec(child.cmdline)?.[1];
    if (service) roles[service] = child.pid;
    else if (child.cmdline.includes('embedded-kafka/src/cli.ts')) roles.kafka = child.pid;
    else if (child.cmdline.includes('orphan-guard.ts')) roles['orphan-guard'] = child.pid;
    else if (/\/postgres -D /.test(child.cmdline)) roles.postgres = child.pid;
  }
  return roles;
}

describe('npm start supervises its children', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-dev-stack-supervision-'));
  let run: StackRun;
  let banner: Banner;
  let runnerPid: number;
  let client: ScenarioClient;

  const allReady = () =>
    eventually(
      async () => {
        const statuses = await Promise.all(
          Object.values(banner.services).map((url) =>
            fetch(`${url}/readyz`).then(
              (res) => res.status,
              () => 0,
            ),
          ),
        );
        return statuses.every((status) => status === 200) ? true : undefined;
      },
      FAULT_TIMEOUT_MS / 2,
      'every service to answer /readyz 200',
    );

  /** One event through the gateway (retried while the gateway answers 503) until the merger's profile shows it. */
  const flowsEndToEnd = async (userId: string) => {
    await eventually(
      () =>
        client.send(banner.writeKey, 'track', { userId, event: 'Supervised', messageId: `msg-${userId}` }).then(
          () => true,
          () => undefined,
        ),
      60_000,
      'the gateway to accept an event',
    );
    await client.waitForProfile('user_id', userId, (profile) => profile.summary.itemCount === 1, 90_000);
  };

  const logAfter = (mark: number) => run.output().slice(mark);

  beforeAll(async () => {
    run = startStack(dataDir, { LOG_LEVEL: 'error' });
    banner = await waitForBanner(run);
    runnerPid = Number(/\(runner pid (\d+)\)/.exec(run.output())![1]);
    const urls = () => ({
      gateway: banner.services['ingest-gateway'],
      validation: banner.services.validation,
      resolver: banner.services['identity-resolver'],
      merger: banner.services['profile-merger'],
    });
    client = new ScenarioClient(urls, banner.adminToken);
  }, STARTUP_TIMEOUT_MS + 10_000);

  afterAll(
    async () => {
      await Promise.all(startedStacks.map(stopStack));
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
    2 * STOP_TIMEOUT_MS + 10_000,
  );

  it('connects each service as its own Postgres role, which cannot read another service schema', async () => {
    const admin = new Client({ connectionString: `postgres://postgres:tessera@127.0.0.1:${banner.postgresPort}/postgres` });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ app: string; roles: string[] }>(
        "SELECT application_name AS app, array_agg(DISTINCT usename::text) AS roles FROM pg_stat_activity WHERE application_name LIKE 'tessera:%' GROUP BY 1",
      );
      const rolesByService = Object.fromEntries(rows.map((row) => [row.app, row.roles]));
      for (const name of SERVICE_NAMES)
        expect([name, rolesByService[`tessera:${name}`]]).toEqual([name, [`${SERVICE_CATALOG[name].schema}_svc`]]);

      const { rows: tables } = await admin.query<{ name: string }>(
        "SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables WHERE schemaname = 'identity' LIMIT 1",
      );
      expect(tables).toHaveLength(1);
      await admin.query('SET ROLE validation_svc');
      await expect(admin.query(`SELECT * FROM ${tables[0].name} LIMIT 1`)).rejects.toMatchObject({ code: '42501' });
    } finally {
      await admin.end();
    }
  });

  it(
    'restarts a service killed with kill -9, with a log line, and keeps the others running',
    async () => {
      const before = children(runnerPid);
      const mark = run.output().length;
      process.kill(before.validation, 'SIGKILL');
      await eventually(
        async () => (/validation \(pid \d+\) is ready again/.test(logAfter(mark)) ? true : undefined),
        FAULT_TIMEOUT_MS / 2,
        'validation to be ready again',
      );
      expect(logAfter(mark)).toContain(`validation (pid ${before.validation}) killed by SIGKILL; restarting in 1.0 s (crash 1 in a row)`);
      const after = children(runnerPid);
      expect(after.validation).not.toBe(before.validation);
      for (const name of SERVICE_NAMES.filter((n) => n !== 'validation')) expect([name, after[name]]).toEqual([name, before[name]]);
      await allReady();
    },
    FAULT_TIMEOUT_MS,
  );

  it(
    'restarts the broker killed with kill -9 on the same port; the services reconnect without restarting',
    async () => {
      const before = children(runnerPid);
      const mark = run.output().length;
      process.kill(before.kafka, 'SIGKILL');
      await eventually(
        async () => (/embedded Kafka broker restarted/.test(logAfter(mark)) ? true : undefined),
        60_000,
        'the broker to restart',
      );
      expect(logAfter(mark)).toContain(`[kafka] embedded kafka listening on ${banner.kafka.split(' ')[0]}`);
      await allReady();
      await flowsEndToEnd('after-broker-kill');
      const after = children(runnerPid);
      expect(after.kafka).not.toBe(before.kafka);
      for (const name of SERVICE_NAMES) expect([name, after[name]]).toEqual([name, before[name]]);
    },
    FAULT_TIMEOUT_MS,
  );

  it(
    'restarts Postgres killed with kill -9 on the same port and data; the stack serves again',
    async () => {
      const before = children(runnerPid);
      const mark = run.output().length;
      process.kill(before.postgres, 'SIGKILL');
      await eventually(async () => (/embedded Postgres restarted/.test(logAfter(mark)) ? true : undefined), 90_000, 'Postgres to restart');
      await allReady();
      await flowsEndToEnd('after-postgres-kill');
      expect(children(runnerPid).postgres).not.toBe(before.postgres);
      // The profile written before the kill is still there: same data directory.
      expect((await client.profileByIdentifier('user_id', 'after-broker-kill')).status).toBe(200);
    },
    FAULT_TIMEOUT_MS,
  );

  it(
    'restarts the orphan guard killed with kill -9 (the next test proves it was told every pid again)',
    async () => {
      const before = children(runnerPid);
      const mark = run.output().length;
      process.kill(before['orphan-guard'], 'SIGKILL');
      await eventually(
        async () => (/orphan guard restarted/.test(logAfter(mark)) ? true : undefined),
        60_000,
        'the orphan guard to restart',
      );
      const after = children(runnerPid);
      expect(after['orphan-guard']).not.toBe(before['orphan-guard']);
      expect({ ...after, 'orphan-guard': 0 }).toEqual({ ...before, 'orphan-guard': 0 });
    },
    FAULT_TIMEOUT_MS,
  );

  it(
    'leaves no child running when the runner itself is killed with kill -9',
    async () => {
      const left = descendants(runnerPid);
      const roles = children(runnerPid);
      expect(Object.keys(roles).sort()).toEqual([...SERVICE_NAMES, 'kafka', 'orphan-guard', 'postgres'].sort());
      process.kill(runnerPid, 'SIGKILL');
      const survivors = await eventually(
        async () => {
          const alive = left.filter((p) => isAlive(p.pid));
          return alive.length === 0 ? alive : undefined;
        },
        90_000,
        'every child of the killed runner to exit',
      ).catch(() => left.filter((p) => isAlive(p.pid)).map((p) => `${p.pid} ${p.cmdline}`));
      expect(survivors).toEqual([]);
      expect(run.output()).toContain(`[orphan-guard] the stack runner went away; stopping ${SERVICE_NAMES.length + 2} processes it left`);
      await run.exit;
      expect(await portIsClosed(banner.postgresPort)).toBe(true);
      for (const url of Object.values(banner.services)) expect(await portIsClosed(Number(new URL(url).port))).toBe(true);
    },
    FAULT_TIMEOUT_MS,
  );
});
