import { TOPIC_SPECS } from '@tessera/contracts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startTestBroker, testDatabaseUrl } from '@tessera/testing';
import {
  portIsClosed,
  startedStacks,
  startStack,
  STARTUP_TIMEOUT_MS,
  stopStack,
  STOP_TIMEOUT_MS,
  waitForBanner,
  type StackRun,
} from './test-support/dev-stack-run';

describe('npm start (dev stack as a child process)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-dev-stack-'));
  let running: StackRun | undefined;

  afterAll(
    async () => {
      await Promise.all(startedStacks.map(stopStack));
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
    2 * STOP_TIMEOUT_MS + 10_000,
  );

  it(
    'starts everything, serves every /readyz, stops cleanly on SIGINT and keeps its data and keys',
    async () => {
      running = startStack(dataDir);
      const first = await waitForBanner(running);
      expect(Object.keys(first.services)).toHaveLength(7);
      for (const [name, url] of Object.entries(first.services)) {
        expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        const res = await fetch(`${url}/readyz`);
        expect({ name, status: res.status }).toEqual({ name, status: 200 });
      }
      expect(first.writeKey).toMatch(/^dev_[0-9a-f]{32}$/);
      expect(first.adminToken).toMatch(/^[0-9a-f]{48}$/);
      // The printed read token reads the Customer 360; without it the profile API answers 401.
      const profileUrl = `${first.services['profile-merger']}/v1/profiles/00000000-0000-4000-8000-000000000000`;
      expect((await fetch(profileUrl)).status).toBe(401);
      expect((await fetch(profileUrl, { headers: { authorization: `Bearer ${first.readToken}` } })).status).toBe(404);
      expect(running.output()).toContain(`topics: ${TOPIC_SPECS.length} created, 0 already there`);
      // The printed Postgres URL is the developer's way in: psql (here pg) gets in with it as printed.
      const superuser = new Client({ connectionString: first.postgres.replace(/ +\(embedded\)$/, '') });
      await superuser.connect();
      expect((await superuser.query('SELECT current_user AS who')).rows).toEqual([{ who: 'postgres' }]);
      await superuser.end();

      running.child.kill('SIGINT');
      expect(await running.exit).toEqual({ code: 0, signal: null });
      const stopLog = running.output();
      // Every service exited 0 by itself (the stack logs any other exit), then the broker stopped, then Postgres.
      expect(stopLog).not.toMatch(/exited with code|was stopped by/);
      expect(stopLog.indexOf('embedded Kafka broker stopped')).toBeGreaterThan(stopLog.indexOf('stopping (SIGTERM)'));
      expect(stopLog.indexOf('embedded Postgres stopped')).toBeGreaterThan(stopLog.indexOf('embedded Kafka broker stopped'));
      for (const url of Object.values(first.services)) expect(await portIsClosed(Number(new URL(url).port))).toBe(true);
      expect(await portIsClosed(first.postgresPort)).toBe(true);

      running = startStack(dataDir);
      const second = await waitForBanner(running);
      expect(second.writeKey).toBe(first.writeKey);
      expect(second.adminToken).toBe(first.adminToken);
      expect(second.readToken).toBe(first.readToken);
      expect(running.output()).toContain(`topics: 0 created, ${TOPIC_SPECS.length} already there`);
      running.child.kill('SIGTERM');
      expect(await running.exit).toEqual({ code: 0, signal: null });
    },
    2 * STARTUP_TIMEOUT_MS + 60_000,
  );

  it(
    'uses an external Kafka and Postgres, and fixed keys, when the environment names them',
    async () => {
      // The broker runs in this jest process; it keeps answering because the stack is an asynchronous child.
      const broker = await startTestBroker();
      const externalDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-dev-stack-external-'));
      try {
        running = startStack(externalDataDir, {
          KAFKA_BROKERS: broker.brokers.join(','),
          DATABASE_URL: testDatabaseUrl(),
          TESSERA_DEV_WRITE_KEY: 'fixed-write-key',
          TESSERA_ADMIN_TOKEN: 'fixed-admin-token',
        });
        const banner = await waitForBanner(running);
        expect(banner.writeKey).toBe('fixed-write-key');
        expect(banner.adminToken).toBe('fixed-admin-token');
        expect(banner.kafka).toBe(`${broker.brokers.join(',')}  (external)`);
        expect(banner.postgres).toMatch(/^postgres:\/\/[^:]+:\*\*\*@.+\(external\)$/);
        expect(running.output()).not.toContain('embedded Postgres on');
        for (const url of Object.values(banner.services)) expect((await fetch(`${url}/readyz`)).status).toBe(200);
        running.child.kill('SIGTERM');
        expect(await running.exit).toEqual({ code: 0, signal: null });
        expect(fs.existsSync(path.join(externalDataDir, 'postgres'))).toBe(false);
        expect(fs.existsSync(path.join(externalDataDir, 'kafka'))).toBe(false);
      } finally {
        // Stop a stack the test left running before its broker, or its services would drain against a dead Kafka.
        if (running) await stopStack(running);
        await broker.stop();
        fs.rmSync(externalDataDir, { recursive: true, force: true });
      }
    },
    STARTUP_TIMEOUT_MS + 60_000,
  );
});
