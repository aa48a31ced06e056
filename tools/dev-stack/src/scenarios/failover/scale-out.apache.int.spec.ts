import { TOPIC_SPECS, Topics } from '@tessera/contracts';
import { eventually } from '@tessera/testing';
import { ApachePipeline, type ServiceInstance } from '../../test-support/failover/apache-pipeline';
import { mergerEventCounts, mergerEventTotal, partitionSamplers, ProgressSampler } from '../../test-support/failover/progress-sampler';
import { apiMismatches, callStats, SteadyLoad } from '../../test-support/failover/steady-load';

const WRITE_KEY = 'scale-out-write-key';
/** The consumer groups both instances of a service share (the services' own group ids). */
const GROUPS = { 'identity-resolver': 'identity-resolver', 'profile-merger': 'profile-merger' } as const;
/** Events each instance must have applied before the kill: both really share the work. */
const APPLIED_BY_EACH = 50;

/** Messages the instance's consumers applied (outcome ok), from its own /metrics. */
async function appliedBy(instance: ServiceInstance): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${instance.process.port}/metrics`)).text();
  const name = `tessera_${instance.service.replace(/-/g, '_')}_consumer_messages_total`;
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && line.includes('outcome="ok"'))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

/**
 * Issue 16, item 5: two instances each of the identity resolver and the profile merger (same consumer groups,
 * same schema, each its own HTTP port) on a 3-broker Apache Kafka cluster, under a steady Segment load through
 * the gateway and validation. Once both instances of each are applying events, kill -9 one of each: the groups
 * rebalance onto the survivors, and every event the gateway accepted is counted exactly once.
 */
describe('scale-out: two resolvers and two mergers, one of each killed mid-stream (3-broker Apache Kafka)', () => {
  let pipeline: ApachePipeline;
  let sampler: ProgressSampler;
  let partitions: { resolver: ProgressSampler[]; merger: ProgressSampler[] } | undefined;

  beforeAll(async () => {
    pipeline = await ApachePipeline.start({ writeKey: WRITE_KEY, instances: { 'identity-resolver': 2, 'profile-merger': 2 } });
  }, 300_000);

  afterAll(async () => {
    await sampler?.stop();
    await Promise.all([...(partitions?.resolver ?? []), ...(partitions?.merger ?? [])].map((p) => p.stop()));
    await pipeline?.stop();
  }, 60_000);

  const members = async (groupId: string): Promise<number> => (await pipeline.admin.describeGroups([groupId])).groups[0].members.length;

  it('rebalances onto the survivors and counts every accepted event exactly once', async () => {
    const load = new SteadyLoad(pipeline.url('ingest-gateway#1'), WRITE_KEY, {
      streams: 3,
      users: 30,
      batchSize: 8,
      intervalMs: 150,
      userPrefix: 'scale-user',
    });
    sampler = new ProgressSampler(() => mergerEventTotal(pipeline.schema('profile-merger').pool, load.eventNames));
    sampler.start();
    const partitionsOf = (topic: string) => TOPIC_SPECS.find((spec) => spec.name === topic)!.partitions;
    partitions = {
      resolver: partitionSamplers(
        pipeline.schema('identity-resolver').pool,
        GROUPS['identity-resolver'],
        Topics.EventsValid,
        partitionsOf(Topics.EventsValid),
      ),
      merger: partitionSamplers(
        pipeline.schema('profile-merger').pool,
        GROUPS['profile-merger'],
        Topics.EventsResolved,
        partitionsOf(Topics.EventsResolved),
      ),
    };
    [...partitions.resolver, ...partitions.merger].forEach((p) => p.start());
    const startedAt = Date.now();
    const figures: Record<string, unknown> = {};
    let killedAt = 0;
    let stoppedAt = 0;
    let failure: Error | undefined;
    load.start();
    try {
      expect({ resolvers: await members(GROUPS['identity-resolver']), mergers: await members(GROUPS['profile-merger']) }).toEqual({
        resolvers: 2,
        mergers: 2,
      });
      const pairs = ['identity-resolver', 'profile-merger'].flatMap((service) => [1, 2].map((i) => pipeline.instance(`${service}#${i}`)));
      await eventually(
        async () => {
          pipeline.assertAlive();
          const applied = await Promise.all(pairs.map(appliedBy));
          return applied.every((n) => n >= APPLIED_BY_EACH) ? applied : undefined;
        },
        150_000,
        `each resolver and merger instance applying ${APPLIED_BY_EACH} events`,
      );

      const acceptedAtKill = load.accepted;
      await Promise.all([pipeline.kill('identity-resolver#1'), pipeline.kill('profile-merger#1')]);
      killedAt = Date.now();
      figures.loadRunningMs = killedAt - startedAt;
      await eventually(
        async () =>
          (await members(GROUPS['identity-resolver'])) === 1 && (await members(GROUPS['profile-merger'])) === 1 ? true : undefined,
        60_000,
        'both groups down to their survivor',
      );
      figures.groupsDownToOneAfterMs = Date.now() - killedAt;
      await eventually(
        async () => {
          pipeline.assertAlive();
          return sampler.value > acceptedAtKill && load.accepted > acceptedAtKill + 300 ? true : undefined;
        },
        120_000,
        'the survivors applying what was accepted after the kill',
      );
      figures.flowingAgainAfterKillMs = Date.now() - killedAt;
      // the survivors alone under the same load for a while
      const mergedThen = sampler.value;
      await eventually(
        async () => {
          pipeline.assertAlive();
          return sampler.value >= mergedThen + 600 ? true : undefined;
        },
        120_000,
        'the survivors applying 600 more events',
      );
    } catch (error) {
      failure = error as Error;
    } finally {
      await load.stop({ abandon: failure !== undefined });
      stoppedAt = Date.now();
    }
    if (failure) throw new Error(`${failure.message}\n${JSON.stringify(figures)}\n${await pipeline.diagnose()}`);

    const expected = load.expectedCounts();
    await pipeline.waitUntilCounted(() => sampler.value, load.accepted);
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // a doubled event would arrive right behind
    await sampler.stop();

    Object.assign(figures, {
      accepted: load.accepted,
      eventsPerSecond: Math.round(load.accepted / ((stoppedAt - startedAt) / 1000)),
      // the longest any one partition stood still while the load ran: the orphaned ones wait for the rebalance
      resolverPartitionStallMs: Math.max(...partitions.resolver.map((p) => p.longestGap(killedAt, stoppedAt).ms)),
      mergerPartitionStallMs: Math.max(...partitions.merger.map((p) => p.longestGap(killedAt, stoppedAt).ms)),
      resolverPartitionStallBeforeKillMs: Math.max(...partitions.resolver.map((p) => p.longestGap(startedAt + 3_000, killedAt).ms)),
      mergerPartitionStallBeforeKillMs: Math.max(...partitions.merger.map((p) => p.longestGap(startedAt + 3_000, killedAt).ms)),
      gatewayBeforeKill: callStats(load.calls, startedAt, killedAt),
      gatewayAfterKill: callStats(load.calls, killedAt, stoppedAt),
    });
    console.log(`scale-out: ${JSON.stringify(figures, null, 1)}`);

    expect(Object.fromEntries(await mergerEventCounts(pipeline.schema('profile-merger').pool, load.eventNames))).toEqual(
      Object.fromEntries(expected),
    );
    expect(await apiMismatches(pipeline.url('profile-merger#2'), load.users(), load.eventNames, expected)).toEqual([]);
    // the waits above have limits of their own (570 s in all): a stuck phase fails with its name and diagnose(), not jest's timeout
  }, 640_000);
});
