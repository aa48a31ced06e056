import { encode, Topics } from '@tessera/contracts';
import { eventually, freePort } from '@tessera/testing';
import { Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { ConnectorsHarness } from '../test-support/connectors-harness';
import { runCli, type CliOptions } from './connectors-cli';

describe('connectors CLI against the service (embedded broker + Postgres)', () => {
  const h = new ConnectorsHarness();
  beforeAll(() => h.start('conn_cli'), 120_000);
  afterAll(() => h.stop());

  const cli = async (...args: string[]) => cliWith({}, ...args);
  const cliWith = async (options: { token?: string; baseUrl?: string }, ...args: string[]) => {
    let output = '';
    const code = await runCli(args, {
      baseUrl: options.baseUrl ?? h.service.url,
      token: options.token ?? 'test-admin-token',
      write: (t) => (output += t),
      isTty: false,
      pollMs: 50,
      settleMs: 200,
    });
    return { code, output };
  };
  /** Starts the CLI without waiting for it: its output so far, and its exit code. */
  const started = (args: string[], options: Partial<CliOptions> = {}) => {
    const run = { output: '', code: Promise.resolve(0) };
    run.code = runCli(args, {
      baseUrl: h.service.url,
      token: 'test-admin-token',
      write: (t) => (run.output += t),
      isTty: false,
      pollMs: 50,
      settleMs: 200,
      ...options,
    });
    return run;
  };

  it('lists, checks, discovers, runs and follows a run to its end with counts', async () => {
    await h.connection('cli', { rows: 300, checkpointEvery: 50, delayMs: 20 }, { schedule: { kind: 'hourly', minute: 15 } });
    const list = await cli('list');
    expect(list.code).toBe(0);
    expect(list.output).toMatch(/^cli {2}generated-rows {2}streams: rows {2}schedule: \{"kind":"hourly","minute":15\} UTC/m);
    expect(await cli('check', 'cli')).toEqual({ code: 0, output: 'ok: the source can be reached\n' });
    expect((await cli('discover', 'cli')).output).toContain('rows  primary key: id  cursor candidates: n\n  id: string');
    const run = await cli('run', 'cli');
    expect(run.code).toBe(0);
    expect(run.output).toMatch(/run \S+ queued \(full refresh\)/);
    expect(run.output).toMatch(/succeeded \[#+\] 100% {2}300\/300 records/);
    expect(run.output).toMatch(/run \S+ succeeded: read 300, emitted 300, rejected 0, disappeared 0\n$/);
  });

  it("waits for validation's rejections of a run's records before it prints the summary", async () => {
    await h.connection('cli-rejected', { rows: 3, checkpointEvery: 3 });
    // generous: the rejection below is produced once the run has ended, and must be counted inside this window
    const cliRun = started(['run', 'cli-rejected'], { settleMs: 5_000 });
    await eventually(() => /^succeeded /m.test(cliRun.output), 20_000, 'the run to end');
    const runId = /^run (\S+) queued/.exec(cliRun.output)![1];
    const [record] = await h.recordsOf(runId, 3);
    const producer = new Kafka({ clientId: 'cli-test', brokers: h.broker.brokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    try {
      const original = {
        topic: Topics.RecordsRaw,
        value: encode(Topics.RecordsRaw, record),
        partition: 0,
        offset: 0,
        timestamp: Date.now(),
      };
      const rejection = { rejectionId: randomUUID(), reason: 'invalid_record' as const, detail: 'cannot be cast', service: 'validation' };
      const value = encode(Topics.EventsRejected, {
        ...rejection,
        itemKind: 'record',
        messageId: record.messageId,
        original,
        rejectedAt: Date.now(),
      });
      await producer.send({ topic: Topics.EventsRejected, messages: [{ key: 'k', value }] });
    } finally {
      await producer.disconnect();
    }
    expect(await cliRun.code).toBe(0);
    expect(cliRun.output).toMatch(/run \S+ succeeded: read 3, emitted 3, rejected 1, disappeared 0\n$/);
  });

  it('exits non-zero with the reason for a failed check, an unknown connection and an unknown command', async () => {
    await h.connection('cli-bad', { rows: 1, checkpointEvery: 1, apiKey: 'wrong' });
    expect(await cli('check', 'cli-bad')).toEqual({ code: 1, output: 'failed: the generator rejected the api key\n' });
    const missing = await cli('run', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.output).toContain('error: 404');
    expect((await cli('frobnicate')).code).toBe(2);
  });

  it('says which setting to fix when the token is missing or refused, or the service cannot be reached', async () => {
    expect(await cliWith({ token: '' }, 'list')).toEqual({
      code: 1,
      output: 'error: no admin token: set TESSERA_ADMIN_TOKEN (or CONNECTORS_ADMIN_TOKEN) to the token `npm start` prints\n',
    });
    const refused = await cliWith({ token: 'not-the-token' }, 'list');
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/^error: 401: the service refused the admin token \(.+\): check TESSERA_ADMIN_TOKEN\n$/);
    const port = await freePort(); // nothing listens there
    expect(await cliWith({ baseUrl: `http://127.0.0.1:${port}` }, 'list')).toEqual({
      code: 1,
      output: `error: the connectors service at http://127.0.0.1:${port} cannot be reached (ECONNREFUSED): is it running? (CONNECTORS_URL)\n`,
    });
  });

  it('follows a run through a restart of the service: it waits for the service to answer again', async () => {
    // 6 checkpoints of 0.5 s: the run is still going when the service comes back
    await h.connection('cli-restart', { rows: 300, checkpointEvery: 50, delayMs: 500 });
    // A forwarding server stands in for the service's address, so "the service" can go away and come back. The first
    // one goes away as it answers the POST that queues the run: the CLI's very first poll finds nobody listening.
    const port = await freePort();
    const listen = (goAwayAfterPost: boolean): Promise<Server> =>
      new Promise((resolve) => {
        const server = createServer((req, res) => {
          void fetch(`${h.service.url}${req.url}`, { method: req.method, headers: { authorization: req.headers.authorization ?? '' } })
            .then(async (answer) => {
              const body = await answer.text();
              if (goAwayAfterPost && req.method === 'POST') {
                server.close();
                res.on('finish', () => server.closeAllConnections());
              }
              res.writeHead(answer.status, { 'content-type': 'application/json' }).end(body);
            })
            .catch(() => res.destroy());
        });
        server.listen(port, '127.0.0.1', () => resolve(server));
      });
    let proxy = await listen(true);
    const cliRun = started(['run', 'cli-restart'], { baseUrl: `http://127.0.0.1:${port}` });
    await eventually(
      () => cliRun.output.includes('waiting for it to come back') || /^error:/m.test(cliRun.output),
      20_000,
      'the CLI waiting',
    );
    expect(cliRun.output).toMatch(/^run \S+ queued \(full refresh\)\n/);
    expect(cliRun.output).toContain(
      `the connectors service at http://127.0.0.1:${port} cannot be reached (ECONNREFUSED); waiting for it to come back`,
    );
    proxy = await listen(false);
    try {
      expect(await cliRun.code).toBe(0);
      expect(cliRun.output).toMatch(/run \S+ succeeded: read 300, emitted 300, rejected 0, disappeared 0\n$/);
    } finally {
      proxy.close();
    }
  });
});
