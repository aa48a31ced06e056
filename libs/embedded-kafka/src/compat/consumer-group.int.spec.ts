import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import type { Consumer } from 'kafkajs';
import { startCompatBroker, type CompatBroker } from '../test-support/compat-fixture';
import { eventually } from '../test-support/eventually';

const REPO_ROOT = path.resolve(__dirname, '../../../..');
const SESSION_TIMEOUT_MS = 1500;

/** A kafkajs consumer in its own process, so it can die without a LeaveGroup (kill -9). */
function childConsumer(bootstrap: string, groupId: string, topic: string): { child: ChildProcess; partitions: () => number[] } {
  const script = `
    const { Kafka, logLevel } = require('kafkajs');
    const consumer = new Kafka({ clientId: 'child', brokers: [${JSON.stringify(bootstrap)}], logLevel: logLevel.NOTHING })
      .consumer({ groupId: ${JSON.stringify(groupId)}, sessionTimeout: ${SESSION_TIMEOUT_MS}, heartbeatInterval: 200, maxWaitTimeInMs: 200 });
    consumer.on(consumer.events.GROUP_JOIN, (e) => console.log(JSON.stringify(e.payload.memberAssignment)));
    consumer.connect().then(() => consumer.subscribe({ topic: ${JSON.stringify(topic)} })).then(() => consumer.run({ eachMessage: async () => {} }));
  `;
  const child = spawn(process.execPath, ['-e', script], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let latest: number[] = [];
  child.stdout?.setEncoding('utf8').on('data', (text: string) => {
    for (const line of text.trim().split('\n')) latest = (JSON.parse(line) as Record<string, number[]>)[topic] ?? [];
  });
  return { child, partitions: () => latest };
}

describe('consumer groups with kafkajs', () => {
  let fixture: CompatBroker;
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    fixture = await startCompatBroker();
  });

  afterAll(async () => {
    for (const consumer of consumers) await consumer.disconnect().catch(() => undefined);
    await fixture.stop();
  });

  function trackedConsumer(groupId: string, topic: string, seen: string[] = []) {
    const consumer = fixture
      .kafka(`member-${consumers.length}`)
      .consumer({ groupId, sessionTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: 200, maxWaitTimeInMs: 200 });
    consumers.push(consumer);
    const state = { partitions: [] as number[] };
    consumer.on(consumer.events.GROUP_JOIN, (e) => (state.partitions = e.payload.memberAssignment[topic] ?? []));
    const started = (async () => {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value?.toString() ?? '') });
    })();
    return { consumer, state, started };
  }

  it("splits partitions between three members and hands a dead member's partitions to the others", async () => {
    const topic = 'group-split';
    const admin = fixture.kafka('admin').admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 6 }] });
    await admin.disconnect();

    const seen: string[] = [];
    const dying = childConsumer(fixture.bootstrap, 'split-group', topic);
    const a = trackedConsumer('split-group', topic, seen);
    const b = trackedConsumer('split-group', topic, seen);
    await Promise.all([a.started, b.started]);
    await eventually(() => [a.state.partitions, b.state.partitions, dying.partitions()].every((p) => p.length === 2), 30_000);
    expect([...a.state.partitions, ...b.state.partitions, ...dying.partitions()].sort()).toEqual([0, 1, 2, 3, 4, 5]);

    dying.child.kill('SIGKILL');
    await once(dying.child, 'exit');
    await eventually(() => a.state.partitions.length === 3 && b.state.partitions.length === 3, 30_000);
    expect([...a.state.partitions, ...b.state.partitions].sort()).toEqual([0, 1, 2, 3, 4, 5]);

    const producer = fixture.kafka('split-producer').producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 30 }, (_, i) => ({ value: `m${i}`, partition: i % 6 })) });
    await producer.disconnect();
    await eventually(() => seen.length >= 30);
    expect(new Set(seen).size).toBe(30);
  });

  it('resumes from the committed offset after a broker restart on the same data directory', async () => {
    const topic = 'resume';
    const producer = fixture.kafka('resume-producer').producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: `before-${i}` })) });
    await producer.disconnect();

    const firstRun: string[] = [];
    const first = trackedConsumer('resume-group', topic, firstRun);
    await first.started;
    await eventually(() => firstRun.length === 10);
    await first.consumer.disconnect(); // commits the consumed offsets

    await fixture.restart();

    const again = fixture.kafka('resume-producer-2').producer();
    await again.connect();
    await again.send({ topic, messages: Array.from({ length: 5 }, (_, i) => ({ value: `after-${i}` })) });
    await again.disconnect();
    const secondRun: string[] = [];
    const second = trackedConsumer('resume-group', topic, secondRun);
    await second.started;
    await eventually(() => secondRun.length >= 5);
    await new Promise((resolve) => setTimeout(resolve, 300)); // nothing from before the commit may follow
    expect(secondRun).toEqual(['after-0', 'after-1', 'after-2', 'after-3', 'after-4']);
  });

  it('keeps a running consumer and producer working across a broker restart', async () => {
    const seen: string[] = [];
    const survivor = trackedConsumer('survivor-group', 'survivor', seen);
    await survivor.started;
    const producer = fixture.kafka('survivor-producer').producer();
    await producer.connect();
    await producer.send({ topic: 'survivor', messages: [{ value: 'before' }] });
    await eventually(() => seen.length === 1);
    await fixture.restart();
    await producer.send({ topic: 'survivor', messages: [{ value: 'after' }] });
    // kafkajs rejoins through its own retry backoff; on a loaded 2-core machine that took more than 20 s once.
    await eventually(() => seen.length === 2, 60_000);
    expect(seen).toEqual(['before', 'after']);
    await producer.disconnect();
  }, 120_000);
});
