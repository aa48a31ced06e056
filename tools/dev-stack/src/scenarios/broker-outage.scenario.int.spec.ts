import { TOPIC_SPECS, Topics } from '@tessera/contracts';
import { startBroker, type RunningBroker } from '@tessera/embedded-kafka';
import {
  createTestSchema,
  createTestTopics,
  eventually,
  freePort,
  ServiceChildProcess,
  TopicCollector,
  type TestSchema,
} from '@tessera/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitForReadiness } from '../test-support/outage-harness';

const SERVICES = ['ingest-gateway', 'validation'] as const;
const WRITE_KEY = 'broker-outage-write-key';
/** How long /readyz may keep answering 200 after the broker stopped answering. */
const DETECTION_BOUND_MS = 10_000;

/**
 * Issue 12, fault 2: /readyz follows a real round trip to the broker, not the producer's connected flag, which
 * stays true while the broker is dead. The gateway (a producer) and validation (consumers and a relay), as child
 * processes: stop the broker, each answers 503 naming kafka within the bound; start it again on the same port
 * and data directory, each is ready again without a restart, and an event sent then goes through validation.
 */
describe('broker outage: /readyz follows whether the broker answers', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'broker-outage-kafka-'));
  let port: number;
  let broker: RunningBroker | undefined;
  const schemas: TestSchema[] = [];
  const services = new Map<string, ServiceChildProcess>();

  const start = async (): Promise<void> => {
    broker = await startBroker({ port, dataDir, groupInitialRebalanceDelayMs: 0, groupMinSessionTimeoutMs: 1_000 });
  };

  beforeAll(async () => {
    port = await freePort();
    await start();
    const brokers = [`127.0.0.1:${port}`];
    await createTestTopics(
      brokers,
      TOPIC_SPECS.map((spec) => ({ topic: spec.name, numPartitions: spec.partitions })),
    );
    for (const name of SERVICES) {
      const schema = await createTestSchema(`broker_outage_${name.replace(/-/g, '_')}`);
      schemas.push(schema);
      const env: Record<string, string> = name === 'ingest-gateway' ? { TESSERA_DEV_WRITE_KEY: WRITE_KEY } : {};
      services.set(name, await ServiceChildProcess.launch({ service: name, database: schema, brokers, env }));
    }
    await Promise.all(
      SERVICES.map((name) => waitForReadiness(name, services.get(name)!, (a) => a.status === 200, 120_000, 'ready at start')),
    );
  }, 180_000);

  afterAll(async () => {
    await ServiceChildProcess.killAll();
    await broker?.stop();
    await Promise.all(schemas.map((schema) => schema.drop()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 503 naming kafka within the bound while the broker is down, and 200 again once it is back', async () => {
    await broker!.stop();
    broker = undefined;
    const stoppedAt = Date.now();
    await Promise.all(
      SERVICES.map(async (name) => {
        const answer = await waitForReadiness(
          name,
          services.get(name)!,
          (a) => a.status === 503,
          DETECTION_BOUND_MS,
          '/readyz 503 after the broker stopped',
        );
        expect(answer.failing).toEqual(['kafka']);
        expect((answer.body.checks as Record<string, { error: string }>).kafka.error).toMatch(/broker/);
      }),
    );
    expect(Date.now() - stoppedAt).toBeLessThan(DETECTION_BOUND_MS);

    await start();
    await Promise.all(
      SERVICES.map((name) =>
        waitForReadiness(name, services.get(name)!, (a) => a.status === 200, 60_000, 'ready again after the broker came back'),
      ),
    );

    // Consuming again, not only answering probes: an event sent now comes out of validation.
    const gateway = services.get('ingest-gateway')!;
    const authorization = `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`;
    await eventually(
      async () => {
        const res = await fetch(`http://127.0.0.1:${gateway.port}/v1/track`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization },
          body: JSON.stringify({ event: 'After Outage', userId: 'u-1', messageId: 'after-broker-outage' }),
        });
        return res.status === 200 ? true : undefined;
      },
      30_000,
      'the gateway accepting an event after the broker came back',
    );
    const collector = new TopicCollector([`127.0.0.1:${port}`], [Topics.EventsValid]);
    await collector.start();
    try {
      await collector.waitFor(Topics.EventsValid, (v) => v.messageId === 'after-broker-outage', 1, 60_000);
    } finally {
      await collector.stop();
    }
    for (const name of SERVICES) expect(services.get(name)!.exitStatus).toBeUndefined();
  }, 120_000);
});
