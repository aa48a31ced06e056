import { decode, type ContractTopic, type TopicValueMap } from '@tessera/contracts';
import { Kafka, logLevel, type Consumer } from 'kafkajs';

export interface Collected<T> {
  key: string | null;
  value: T;
  headers: Record<string, string>;
}

/** Test helper: reads output topics from the beginning and decodes them, so tests can wait for what lands there. */
export class TopicCollector {
  private readonly consumer: Consumer;
  private readonly seen = new Map<string, Collected<unknown>[]>();

  constructor(
    brokers: string[],
    private readonly topics: ContractTopic[],
    clientId = 'tessera-test-collector',
  ) {
    const kafka = new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING });
    this.consumer = kafka.consumer({
      groupId: `collector-${Date.now()}-${Math.random()}`,
      sessionTimeout: 6_000,
      heartbeatInterval: 500,
      maxWaitTimeInMs: 50,
    });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.topics, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ topic, message }) => {
        if (!message.value) return;
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
        const list = this.seen.get(topic) ?? [];
        list.push({ key: message.key?.toString() ?? null, value: decode(topic as ContractTopic, message.value), headers });
        this.seen.set(topic, list);
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }

  all<T extends ContractTopic>(topic: T): Collected<TopicValueMap[T]>[] {
    return (this.seen.get(topic) ?? []) as Collected<TopicValueMap[T]>[];
  }

  /** Waits until `count` messages of `topic` match, then returns them. */
  async waitFor<T extends ContractTopic>(
    topic: T,
    match: (value: TopicValueMap[T]) => boolean,
    count = 1,
    timeoutMs = 20_000,
  ): Promise<Collected<TopicValueMap[T]>[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.all(topic).filter((m) => match(m.value));
      if (found.length >= count) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} matching message(s) on ${topic}; have ${found.length}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
