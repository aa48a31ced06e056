import { Topics } from '@tessera/contracts';
import { eventually, type ApacheKafkaCluster } from '@tessera/testing';
import { apacheKafkaLauncherCases } from './apache-kafka-launcher.scenarios';
import { ApachePipeline, startFailoverCluster } from '../../test-support/failover/apache-pipeline';
import { mergerEventCounts, mergerEventTotal, ProgressSampler } from '../../test-support/failover/progress-sampler';
import { apiMismatches, callStats, SteadyLoad } from '../../test-support/failover/steady-load';

const WRITE_KEY = 'broker-failover-write-key';
/** Events through the whole pipeline before the kill: the load is flowing end to end. */
const FLOWING_AFTER = 400;
/** Events the gateway must accept after the kill while the node is still down. */
const ACCEPTED_WHILE_DOWN = 300;

/**
 * One cluster for this file's two describes: a 3-broker start is 12–47 s of this machine's two cores. The launcher's
 * case runs first, on its own topic and group, and leaves every node in the ISR; the pipeline then provisions the
 * catalog's topics on the whole cluster, as on a fresh one.
 */
let cluster: ApacheKafkaCluster;
beforeAll(async () => {
  cluster = await startFailoverCluster();
}, 300_000);
afterAll(() => cluster?.stop());

describe('Apache Kafka launcher (3 brokers, KRaft)', () => apacheKafkaLauncherCases(() => cluster));

/**
 * Issue 16, item 4: kill -9 of the broker leading most of cdp.events.raw and cdp.events.resolved, on a 3-broker
 * Apache Kafka cluster (replication 3, min.insync.replicas 2), while a steady Segment load flows through the
 * gateway, validation, the identity resolver and the profile merger; the node starts again later. Every call the
 * gateway answered 200 is counted exactly once on its user's profile, the pipeline kept flowing while the node
 * was down, and the gateway answered nothing but 200 or 503 (never 200 for what it could not store, never 500).
 */
describe('broker failover under load (3-broker Apache Kafka, kill -9 of the busiest leader)', () => {
  let pipeline: ApachePipeline;
  let sampler: ProgressSampler;
  /** Every 5 s accepted/merged, and each phase as it starts: printed at the end, or by afterAll if jest timed out. */
  const marks: string[] = [];
  let printed = false;

  beforeAll(async () => {
    pipeline = await ApachePipeline.start({ writeKey: WRITE_KEY, cluster });
  }, 300_000);

  afterAll(async () => {
    if (!printed && marks.length > 0)
      console.log(`broker failover timeline, unfinished (s: accepted/merged): ${marks.join(', ')}\n${await pipeline.diagnose()}`);
    await sampler?.stop();
    await pipeline?.stop();
  }, 60_000);

  it('keeps flowing while the leader is down and counts every accepted event exactly once', async () => {
    expect(await pipeline.replicaCounts(Topics.EventsRaw)).toEqual([3, 3, 3, 3, 3, 3]);
    const config = await pipeline.admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: Topics.EventsRaw }] });
    expect(config.resources[0].configEntries.find((e) => e.configName === 'min.insync.replicas')?.configValue).toBe('2');

    const load = new SteadyLoad(pipeline.url('ingest-gateway#1'), WRITE_KEY, {
      streams: 3,
      users: 30,
      batchSize: 8,
      intervalMs: 150,
      userPrefix: 'failover-user',
    });
    const merger = pipeline.schema('profile-merger').pool;
    sampler = new ProgressSampler(() => mergerEventTotal(merger, load.eventNames));
    sampler.start();
    const startedAt = Date.now();
    const figures: Record<string, unknown> = {};
    let killedAt = 0;
    let restartedAt = 0;
    let stoppedAt = 0;
    const mark = (what = `${load.accepted}/${sampler.value}`) => marks.push(`${Math.round((Date.now() - startedAt) / 1000)}: ${what}`);
    const timeline = setInterval(mark, 5_000);
    let failure: Error | undefined;
    load.start();
    try {
      await eventually(
        async () => {
          pipeline.assertAlive();
          return sampler.value >= FLOWING_AFTER ? true : undefined;
        },
        120_000,
        `${FLOWING_AFTER} events through the whole pipeline`,
      );

      const { node, led, of } = await pipeline.busiestLeader();
      const acceptedAtKill = load.accepted;
      await node.kill();
      killedAt = Date.now();
      mark(`node ${node.id} killed`);
      Object.assign(figures, {
        killedNode: node.id,
        ledPartitions: `${led} of ${of} (events.raw + events.resolved)`,
        loadRunningMs: killedAt - startedAt,
      });

      // Flowing while the node is down: the gateway accepts new calls and the merger counts past everything
      // accepted before the kill.
      await eventually(
        async () => {
          pipeline.assertAlive();
          return load.accepted >= acceptedAtKill + ACCEPTED_WHILE_DOWN && sampler.value > acceptedAtKill ? true : undefined;
        },
        150_000,
        'the pipeline flowing again with the node down',
      );
      figures.flowingAgainAfterKillMs = Date.now() - killedAt;
      expect(node.running).toBe(false);

      mark('restarting the node');
      await node.start();
      restartedAt = Date.now();
      mark('node up');
      await eventually(
        async () => ((await pipeline.underReplicated()) === 0 ? true : undefined),
        120_000,
        'every partition back to 3 in-sync replicas',
      );
      figures.isrFullAfterRestartMs = Date.now() - restartedAt;
      mark('ISR full');
      const mergedAtRejoin = sampler.value;
      await eventually(
        async () => {
          pipeline.assertAlive();
          return sampler.value >= mergedAtRejoin + FLOWING_AFTER ? true : undefined;
        },
        120_000,
        'the pipeline flowing after the node rejoined',
      );
    } catch (error) {
      failure = error as Error;
    } finally {
      await load.stop({ abandon: failure !== undefined });
      stoppedAt = Date.now();
      clearInterval(timeline);
      console.log(`broker failover timeline (s: accepted/merged): ${marks.join(', ')}`);
      printed = true;
    }
    if (failure) throw new Error(`${failure.message}\n${JSON.stringify(figures)}\n${await pipeline.diagnose()}`);

    const expected = load.expectedCounts();
    await pipeline.waitUntilCounted(() => sampler.value, load.accepted);
    const caughtUpAt = Date.now();
    // a doubled event would arrive right behind the last one; this waits on nothing else
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await sampler.stop();

    Object.assign(figures, {
      accepted: load.accepted,
      eventsPerSecond: Math.round(load.accepted / ((stoppedAt - startedAt) / 1000)),
      // up to the catch-up: once everything is counted, standing still is no stall
      mergerStallAfterKill: sampler.longestGap(killedAt, restartedAt),
      mergerStallAfterRestart: sampler.longestGap(restartedAt, caughtUpAt),
      mergerLongestStallBeforeKillMs: sampler.longestGap(startedAt + 10_000, killedAt).ms,
      gatewayBeforeKill: callStats(
        load.calls.filter((c) => c.at + c.ms < killedAt),
        startedAt,
        killedAt,
      ),
      // sent before the kill, answered after it: these wait for the new leader, up to INGEST_ACK_TIMEOUT_MS
      gatewayInFlightAtKill: callStats(
        load.calls.filter((c) => c.at + c.ms >= killedAt),
        startedAt,
        killedAt,
      ),
      gatewayWhileNodeDown: callStats(load.calls, killedAt, restartedAt),
      gatewayAfterRestart: callStats(load.calls, restartedAt, stoppedAt),
    });
    console.log(`broker failover: ${JSON.stringify(figures, null, 1)}`);

    const statuses = Object.keys(callStats(load.calls, 0, Date.now()).statuses).map(Number);
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    expect(Object.fromEntries(await mergerEventCounts(merger, load.eventNames))).toEqual(Object.fromEntries(expected));
    expect(await apiMismatches(pipeline.url('profile-merger#1'), load.users(), load.eventNames, expected)).toEqual([]);
    // the waits above have limits of their own, the restart's 240 s included: a stuck phase fails with its name and
    // diagnose(), not jest's timeout
  }, 900_000);
});
