import {
  createTestSchema,
  createTestTopics,
  ServiceChildProcess,
  startTestBroker,
  type TestBroker,
  type TestSchema,
} from '@tessera/testing';
import fc from 'fast-check';
import { RAW_TOPICS } from '../test-support/gateway-harness';
import { auth, hostileCases, WRITE_KEY } from '../test-support/hostile-input-cases';

/**
 * Hostile input of every kind against the real gateway process (main.ts in a child process, so a crash is an exit
 * the test sees). Unlike malformed-request.fuzz, a call here may be acceptable (a huge number, a lone surrogate, a
 * NUL inside a string value are validation's to judge): the rule is only that nothing is a 5xx, every error is the
 * shared JSON shape, and the process is the same one, still serving, at the end.
 */

const FUZZ_CASES = Number(process.env.HOSTILE_FUZZ_CASES ?? 6_000);
const CONCURRENCY = 16;

describe(`fuzz: ${FUZZ_CASES} hostile calls against the gateway process (no 5xx, no crash)`, () => {
  let broker: TestBroker;
  let schema: TestSchema;
  let gateway: ServiceChildProcess;
  let url: string;

  beforeAll(async () => {
    broker = await startTestBroker();
    await createTestTopics(broker.brokers, RAW_TOPICS);
    schema = await createTestSchema('hostile_gateway');
    gateway = await ServiceChildProcess.launch({
      service: 'ingest-gateway',
      database: schema,
      brokers: broker.brokers,
      env: { TESSERA_DEV_WRITE_KEY: WRITE_KEY },
      shortKafkaSessions: false,
    });
    url = `http://127.0.0.1:${gateway.port}`;
    const deadline = Date.now() + 60_000;
    while ((await fetch(`${url}/readyz`).catch(() => undefined))?.status !== 200) {
      if (gateway.exitStatus || Date.now() > deadline) throw new Error(`the gateway did not get ready: ${gateway.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }, 90_000);

  afterAll(async () => {
    await gateway?.stop();
    await schema?.drop();
    await broker?.stop();
  });

  it('answers every one below 500, errors in the shared JSON shape, and the same process keeps serving', async () => {
    const seed = Number(process.env.FUZZ_SEED ?? 20261205);
    const cases = fc.sample(hostileCases(), { numRuns: FUZZ_CASES, seed });
    const pid = gateway.pid;
    const failures: string[] = [];
    const byStatus = new Map<string, number>();
    const byLabel = new Map<string, Map<number, number>>();
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const index = next++;
        const fuzz = cases[index];
        let status = 0;
        try {
          const res = await fetch(`${url}${fuzz.path}`, { method: fuzz.method, headers: fuzz.headers, body: fuzz.body });
          status = res.status;
          const text = await res.text();
          let body: { statusCode?: unknown; error?: unknown; message?: unknown; path?: unknown } | undefined;
          try {
            body = JSON.parse(text) as typeof body;
          } catch {
            body = undefined;
          }
          const shaped =
            status < 400 ||
            (body?.statusCode === status &&
              typeof body.error === 'string' &&
              typeof body.message === 'string' &&
              typeof body.path === 'string');
          if (status >= 500 || !shaped)
            failures.push(`#${index} ${fuzz.label} ${fuzz.method} ${fuzz.path.slice(0, 80)} -> ${status} ${text.slice(0, 200)}`);
        } catch (error) {
          failures.push(`#${index} ${fuzz.label} ${fuzz.method} ${fuzz.path.slice(0, 80)} -> request failed: ${(error as Error).message}`);
        }
        byStatus.set(String(status), (byStatus.get(String(status)) ?? 0) + 1);
        const labelCounts = byLabel.get(fuzz.label) ?? new Map<number, number>();
        labelCounts.set(status, (labelCounts.get(status) ?? 0) + 1);
        byLabel.set(fuzz.label, labelCounts);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    const table = [...byLabel].map(
      ([label, counts]) =>
        `  ${label.padEnd(34)} ${[...counts]
          .sort(([a], [b]) => a - b)
          .map(([status, n]) => `${status}: ${n}`)
          .join(', ')}`,
    );
    process.stdout.write(
      `hostile-input fuzz, seed ${seed}, ${cases.length} calls\n  by status: ${[...byStatus]
        .sort()
        .map(([status, n]) => `${status}: ${n}`)
        .join(', ')}\n${table.join('\n')}\n`,
    );

    expect(failures.slice(0, 10)).toEqual([]);
    expect(byLabel.size).toBe(13);
    expect(gateway.exitStatus).toBeUndefined();
    expect(gateway.pid).toBe(pid);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const still = await fetch(`${url}/v1/track`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"userId":"after-fuzz","event":"Still Here"}',
    });
    expect(still.status).toBe(200);
  }, 300_000);
});
