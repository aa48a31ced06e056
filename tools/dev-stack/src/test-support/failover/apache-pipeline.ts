import { Topics, TOPIC_SPECS } from '@tessera/contracts';
import { createKafkaClient, ensureTopics } from '@tessera/kafka';
import {
  createTestSchema,
  eventually,
  ServiceChildProcess,
  startApacheKafka,
  type ApacheKafkaCluster,
  type ApacheKafkaNode,
  type TestSchema,
} from '@tessera/testing';
import type { Admin, Kafka } from 'kafkajs';
import { assertAlive, waitForReadiness } from '../outage-harness';

export type FailoverService = 'ingest-gateway' | 'validation' | 'identity-resolver' | 'profile-merger';
const SERVICES: readonly FailoverService[] = ['ingest-gateway', 'validation', 'identity-resolver', 'profile-merger'];

/** A running instance: `identity-resolver#2` is the second resolver, sharing the first one's schema and groups. */
export interface ServiceInstance {
  readonly label: string;
  readonly service: FailoverService;
  readonly process: ServiceChildProcess;
}

export interface ApachePipelineOptions {
  writeKey: string;
  /** Instances per service (1 unless told): the extra ones share the schema and the consumer groups. */
  instances?: Partial<Record<FailoverService, number>>;
  /** A cluster from startFailoverCluster() that outlives the pipeline (stop() leaves it running); its own otherwise. */
  cluster?: ApacheKafkaCluster;
}

/**
 * A 3-broker cluster for the failover pipelines. Apache Kafka refuses sessions under 6 s by default
 * (INVALID_SESSION_TIMEOUT, and the member never joins): the children's 5 s sessions need the 1 s floor
 * startTestBroker() sets as well.
 */
export function startFailoverCluster(): Promise<ApacheKafkaCluster> {
  return startApacheKafka({ nodes: 3, settings: { 'group.min.session.timeout.ms': 1_000 } });
}

/**
 * The Customer 360 pipeline on a 3-broker Apache Kafka cluster, as production runs it: every topic of the
 * contracts catalog with 3 replicas and min.insync.replicas 2 (the dev stack's provisioner, as the create-topics
 * Job does it), and the real services (main.ts, child processes, 5 s Kafka sessions) each bootstrapping from all
 * three brokers, one Postgres schema per service however many instances it runs.
 */
export class ApachePipeline {
  private readonly live = new Map<string, ServiceInstance>();
  private readonly killed = new Set<string>();

  private constructor(
    readonly cluster: ApacheKafkaCluster,
    readonly kafka: Kafka,
    readonly admin: Admin,
    private readonly schemas: Map<FailoverService, TestSchema>,
    private readonly ownsCluster: boolean,
  ) {}

  static async start(options: ApachePipelineOptions): Promise<ApachePipeline> {
    const ownsCluster = options.cluster === undefined;
    const cluster = options.cluster ?? (await startFailoverCluster());
    const kafka = createKafkaClient({ clientId: 'failover-test', brokers: cluster.brokers });
    const admin = kafka.admin();
    try {
      await ensureTopics(kafka, TOPIC_SPECS, { replicationFactor: 3, minInsyncReplicas: 2 });
      await admin.connect();
    } catch (error) {
      if (ownsCluster) await cluster.stop(); // else its JVMs outlive the suite and hold jest open
      throw error;
    }
    const schemas = new Map<FailoverService, TestSchema>();
    for (const service of SERVICES) schemas.set(service, await createTestSchema(`failover_${service.replace(/-/g, '_')}`));
    const pipeline = new ApachePipeline(cluster, kafka, admin, schemas, ownsCluster);
    try {
      for (const service of SERVICES) {
        for (let i = 1; i <= (options.instances?.[service] ?? 1); i++) {
          const env: Record<string, string> = {
            LOG_LEVEL: 'warn',
            // 5 s, not the crash suites' 2 s: a coordinator moving between nodes must not expire live members, and
            // a shorter session was not measured here.
            KAFKA_CONSUMER_SESSION_TIMEOUT_MS: '5000',
            ...(service === 'ingest-gateway' ? { TESSERA_DEV_WRITE_KEY: options.writeKey } : {}),
          };
          const process = await ServiceChildProcess.launch({ service, database: schemas.get(service)!, brokers: cluster.brokers, env });
          pipeline.live.set(`${service}#${i}`, { label: `${service}#${i}`, service, process });
        }
      }
      await Promise.all(
        [...pipeline.live.values()].map((s) => waitForReadiness(s.label, s.process, (a) => a.status === 200, 240_000, 'ready at start')),
      );
    } catch (error) {
      const outputs = [...pipeline.live.values()].map((s) => `--- ${s.label}:\n${s.process.output().slice(-3_000)}`).join('\n');
      await pipeline.stop();
      throw new Error(`${(error as Error).message}\n${outputs}`);
    }
    return pipeline;
  }

  instance(label: string): ServiceInstance {
    const instance = this.live.get(label);
    if (!instance) throw new Error(`${label} is not running`);
    return instance;
  }

  url(label: string): string {
    return `http://127.0.0.1:${this.instance(label).process.port}`;
  }

  /** The service's own schema (a pool on it), for reading its progress. */
  schema(service: FailoverService): TestSchema {
    return this.schemas.get(service)!;
  }

  /** Throws with the output of any instance that died without being killed by the test. */
  /** Until `counted()` reaches `accepted`, every instance alive meanwhile; a timeout's error carries diagnose(). */
  async waitUntilCounted(counted: () => number, accepted: number, timeoutMs = 120_000): Promise<void> {
    await eventually(
      async () => {
        this.assertAlive();
        return counted() >= accepted ? true : undefined;
      },
      timeoutMs,
      `${accepted} events counted by the merger`,
    ).catch(async (error: Error) => {
      throw new Error(`${error.message} (counted ${counted()})\n${await this.diagnose()}`);
    });
  }

  assertAlive(): void {
    for (const instance of this.live.values()) assertAlive(instance.label, instance.process);
  }

  /** kill -9 of one instance; assertAlive no longer asks about it. */
  async kill(label: string): Promise<void> {
    const instance = this.instance(label);
    this.live.delete(label);
    this.killed.add(label);
    await instance.process.kill('SIGKILL');
  }

  /**
   * The node leading most partitions of cdp.events.raw and cdp.events.resolved (the gateway's and the resolver's
   * output), with how many it leads.
   */
  async busiestLeader(): Promise<{ node: ApacheKafkaNode; led: number; of: number }> {
    const topics = await this.metadata([Topics.EventsRaw, Topics.EventsResolved]);
    const led = new Map<number, number>();
    const partitions = topics.flatMap((t) => t.partitions);
    for (const p of partitions) led.set(p.leader, (led.get(p.leader) ?? 0) + 1);
    const [leader, count] = [...led.entries()].sort((a, b) => b[1] - a[1])[0];
    return { node: this.cluster.nodes.find((n) => n.id === leader)!, led: count, of: partitions.length };
  }

  /**
   * Where the events are, for a failure message: each topic's messages, each instance's consumer and outbox
   * counters from its /metrics, and the last lines it logged (probe requests left out).
   */
  async diagnose(): Promise<string> {
    const lines: string[] = [];
    for (const topic of [Topics.EventsRaw, Topics.EventsValid, Topics.EventsResolved, Topics.ProfilesChanged]) {
      const offsets = await this.admin.fetchTopicOffsets(topic).catch(() => []);
      lines.push(`${topic}: ${offsets.reduce((sum, p) => sum + Number(p.high), 0)} messages`);
    }
    for (const instance of this.live.values()) {
      const metrics = await fetch(`http://127.0.0.1:${instance.process.port}/metrics`).then(
        (r) => r.text(),
        (e: Error) => e.message,
      );
      const counters = metrics
        .split('\n')
        .filter((l) =>
          /_(consumer_messages|outbox_published_messages|outbox_publish_failures|producer_batches|consumer_batch_failures)_total\{/.test(l),
        );
      const logged = instance.process
        .output()
        .split('\n')
        .filter((l) => l && !l.includes('/readyz'))
        .slice(-8);
      lines.push(`--- ${instance.label}:`, ...counters, ...logged.map((l) => l.slice(0, 600)));
    }
    return lines.join('\n');
  }

  /** Replicas per partition of a topic. */
  async replicaCounts(topic: string): Promise<number[]> {
    const [metadata] = await this.metadata([topic]);
    return metadata.partitions.map((p) => p.replicas.length);
  }

  /** Partitions of the catalog's topics whose in-sync replicas are fewer than 3. */
  async underReplicated(): Promise<number> {
    const topics = await this.metadata();
    return topics
      .filter((t) => !t.name.startsWith('__'))
      .flatMap((t) => t.partitions)
      .filter((p) => p.isr.length < 3).length;
  }

  async stop(): Promise<void> {
    try {
      await ServiceChildProcess.killAll();
      await this.admin.disconnect().catch(() => undefined);
    } finally {
      if (this.ownsCluster) await this.cluster.stop();
      await Promise.all([...this.schemas.values()].map((schema) => schema.drop()));
    }
  }

  /** Topic metadata once every broker has it (a broker's cache lags the controller by a moment). */
  private async metadata(topics?: string[]): Promise<Awaited<ReturnType<Admin['fetchTopicMetadata']>>['topics']> {
    return eventually(
      () =>
        this.admin.fetchTopicMetadata(topics ? { topics } : undefined).then(
          (m) => m.topics,
          () => undefined,
        ),
      60_000,
      'topic metadata',
    );
  }
}
