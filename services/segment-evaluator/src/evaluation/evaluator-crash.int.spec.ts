import { encode, TOPIC_SPECS, Topics, type ResolvedItemInput } from '@tessera/contracts';
import { CHILD_SERVICE_TOKENS, createTestSchema, createTestTopics, eventually, ServiceChildProcess, startTestBroker, TopicCollector, type TestBroker, type TestSchema } from '@tessera/testing';
import { Kafka, logLevel } from 'kafkajs';

const PROFILES = 500;
const EVENTS_PER_PROFILE = 20;
const KILLS = 4;

/** Every profile ends with 20 orders and a deadline in the past. */
const SEGMENTS = [
  { id: 'buyer', rule: { event: 'Order Completed', atLeast: 1 } },
  { id: 'vip', rule: { event: 'Order Completed', atLeast: 3 } },
  { id: 'newcomer', rule: { event: 'Order Completed', atLeast: 1, atMost: 2 } },
  { id: 'deadline-passed', rule: { trait: 'traits.deadline', op: 'moreThanDaysAgo', days: 0 } },
];
const FINAL: Record<string, boolean> = { buyer: true, vip: true, newcomer: false, 'deadline-passed': true };

/**
 * kill -9 of the evaluator (its own main.ts, a child process) at random instants while it applies 10,000 events and
 * 500 profile changes whose deadlines pass a few seconds later (due timers fire across the kills), restarted each
 * time. Afterwards, per (profile, segment), the messages on cdp.segments.membership (deduplicated by message id, as
 * consumers do) alternate enter / exit starting with an enter and end in the state decided from scratch: nothing
 * lost, nothing doubled. (Several inputs of one profile in one slice are decided once, so an enter and exit may both
 * be skipped together: the sequence, not its length, is what exactly-once fixes.)
 */
describe('segment-evaluator under kill -9 (embedded broker + Postgres, child process)', () => {
  let broker: TestBroker;
  let schema: TestSchema;
  let collector: TopicCollector;

  beforeAll(async () => {
    broker = await startTestBroker();
    await createTestTopics(broker.brokers, TOPIC_SPECS.map((spec) => ({ topic: spec.name, numPartitions: spec.partitions })));
    schema = await createTestSchema('seg_crash');
    collector = new TopicCollector(broker.brokers, [Topics.SegmentsMembership]);
    await collector.start();
  }, 60_000);

  afterAll(async () => {
    await ServiceChildProcess.killAll();
    await collector?.stop();
    await schema?.drop();
    await broker?.stop();
  });

  // slices of 100: many transactions for the kills to land in; timers looked for every 50 ms
  const startEvaluator = () => ServiceChildProcess.launch({ service: 'segment-evaluator', database: schema, brokers: broker.brokers, env: { KAFKA_CONSUMER_SLICE_MESSAGES: '100', SEGMENTS_TIMER_POLL_MS: '50' } });
  const applied = async () => Number((await schema.pool.query('SELECT count(*)::int AS n FROM profile_events')).rows[0].n);

  it('emits every enter and exit exactly once across repeated SIGKILLs, timers included', async () => {
    const first = await startEvaluator();
    for (const { id, rule } of SEGMENTS) {
      await eventually(async () => {
        const res = await fetch(`http://127.0.0.1:${first.port}/v1/segments`, { method: 'POST', headers: { authorization: `Bearer ${CHILD_SERVICE_TOKENS.admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ id, name: id, rule }) }).catch(() => null);
        return res?.status === 201 ? true : undefined;
      }, 60_000, `segment ${id}`);
    }

    const producer = new Kafka({ clientId: 'seg-crash', brokers: broker.brokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    const ids = Array.from({ length: PROFILES }, (_, i) => `cp-${i}`);
    const now = Date.now();
    // deadlines 2..12 s from now: they pass while the kills go on
    await producer.send({
      topic: Topics.ProfilesChanged,
      messages: ids.map((profileId, i) => ({ key: profileId, value: encode(Topics.ProfilesChanged, {
        profileId, version: 1, status: 'active', changedFields: ['traits.deadline'], values: JSON.stringify({ 'traits.deadline': new Date(now + 2_000 + (i % 100) * 100).toISOString() }), changedAt: now,
      }) })),
    });
    for (let round = 0; round < EVENTS_PER_PROFILE; round++) {
      await producer.send({
        topic: Topics.EventsResolved,
        messages: ids.map((profileId) => {
          const item: ResolvedItemInput = { profileId, kind: 'event', messageId: `${profileId}-o${round}`, sourceId: 'web', occurredAt: now - 1000 + round, identifiers: [], resolvedAt: now, event: { type: 'track', event: 'Order Completed', receivedAt: now, properties: '{}' } };
          return { key: profileId, value: encode(Topics.EventsResolved, item) };
        }),
      });
    }
    await producer.disconnect();

    let running = first;
    const progress: number[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      const before = await applied();
      const deadline = Date.now() + 60_000;
      while ((await applied()) <= before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 600));
      expect((await running.kill('SIGKILL')).signal).toBe('SIGKILL');
      progress.push(await applied());
      running = await startEvaluator();
    }

    // caught up: every event stored, every membership decided, every message published and collected
    const expectedMembers = PROFILES * Object.values(FINAL).filter(Boolean).length;
    await eventually(async () => ((await applied()) === PROFILES * EVENTS_PER_PROFILE ? true : undefined), 120_000, 'every event applied');
    await eventually(async () => {
      const { rows } = await schema.pool.query('SELECT count(*)::int AS n FROM memberships');
      return rows[0].n === expectedMembers ? true : undefined;
    }, 120_000, 'final memberships');
    const finalState = () => {
      const seen = new Set<string>();
      const sequences = new Map<string, string[]>();
      for (const m of collector.all(Topics.SegmentsMembership)) {
        const id = m.headers['tessera-msg-id'];
        if (seen.has(id)) continue; // a relay republished it after a crash: consumers drop it
        seen.add(id);
        const key = `${m.value.profileId} ${m.value.segmentId}`;
        sequences.set(key, [...(sequences.get(key) ?? []), m.value.change]);
      }
      return sequences;
    };
    const consistent = () => ids.every((p) => SEGMENTS.every(({ id }) => {
      const sequence = finalState().get(`${p} ${id}`) ?? [];
      return (sequence[sequence.length - 1] === 'entered') === FINAL[id];
    }));
    await eventually(async () => (consistent() ? true : undefined), 120_000, 'every final state on the topic');
    await new Promise((r) => setTimeout(r, 1_000)); // a wrongly repeated message would show up now
    await running.stop();

    expect(progress.some((n) => n > 0 && n < PROFILES * EVENTS_PER_PROFILE)).toBe(true);
    const sequences = finalState();
    const broken: string[] = [];
    for (const p of ids) {
      for (const { id } of SEGMENTS) {
        const sequence = sequences.get(`${p} ${id}`) ?? [];
        const alternates = sequence.every((change, i) => change === (i % 2 === 0 ? 'entered' : 'exited'));
        if (!alternates || (sequence[sequence.length - 1] === 'entered') !== FINAL[id]) broken.push(`${p} ${id}: ${sequence.join(',')}`);
      }
    }
    expect(broken).toEqual([]);
    expect(sequences.get('cp-0 deadline-passed')).toEqual(['entered']);
  }, 400_000);
});
