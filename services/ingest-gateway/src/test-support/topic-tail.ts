import { decode, type RawEvent, type RawRecord } from '@tessera/contracts';
import { eventually } from '@tessera/testing';
import { Kafka, logLevel, type Consumer } from 'kafkajs';

export interface Landed<T> {
  key: string | null;
  value: T;
  headers: Record<string, string>;
}

/** Reads cdp.events.raw and cdp.records.raw from the beginning with a plain kafkajs consumer, decoding each value. */
export class TopicTail {
  readonly events: Landed<RawEvent>[] = [];
  readonly records: Landed<RawRecord>[] = [];
  private consumer: Consumer | undefined;

  async start(brokers: string[]): Promise<void> {
    const kafka = new Kafka({ clientId: 'gateway-test-tail', brokers, logLevel: logLevel.NOTHING });
    this.consumer = kafka.consumer({ groupId: `gateway-test-${Math.random().toString(36).slice(2)}`, sessionTimeout: 6000 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: ['cdp.events.raw', 'cdp.records.raw'], fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ topic, message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
        const key = message.key ? message.key.toString() : null;
        if (topic === 'cdp.events.raw') this.events.push({ key, headers, value: decode('cdp.events.raw', message.value as Buffer) });
        else this.records.push({ key, headers, value: decode('cdp.records.raw', message.value as Buffer) });
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }

  /** Waits until `predicate` holds over what landed so far (polling), or fails after timeoutMs. */
  waitFor<T>(select: () => T | undefined | false, what: string, timeoutMs = 20_000): Promise<T> {
    return eventually(() => select() || undefined, timeoutMs, what);
  }

  eventsWith(messageIdPrefix: string): Landed<RawEvent>[] {
    return this.events.filter((e) => e.value.messageId.startsWith(messageIdPrefix));
  }
}
