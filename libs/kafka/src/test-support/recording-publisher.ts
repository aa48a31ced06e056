import type { Message } from 'kafkajs';
import type { InboundMessage } from '../consumed-batch';
import { headerToString } from '../message-headers';
import type { OutboxPublisher } from '../outbox-relay';

/** Records what a relay published, in order, like a single-partition-per-key topic would. */
export class RecordingPublisher implements OutboxPublisher {
  readonly published: { topic: string; message: Message }[] = [];
  /** Messages per sendBatch call, in call order. */
  readonly batchSizes: number[] = [];

  async sendBatch(topicMessages: { topic: string; messages: Message[] }[]): Promise<void> {
    await new Promise((r) => setTimeout(r, 2));
    this.batchSizes.push(topicMessages.reduce((n, t) => n + t.messages.length, 0));
    for (const { topic, messages } of topicMessages) for (const message of messages) this.published.push({ topic, message });
  }

  /** Everything published so far as one partition's consumed messages, headers included, offsets from 0. */
  asConsumed(partition = 0): InboundMessage[] {
    return this.published.map(({ topic, message }, offset) => {
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = headerToString(value);
      return {
        topic,
        partition,
        offset: String(offset),
        key: message.key ? Buffer.from(message.key) : null,
        value: message.value ? Buffer.from(message.value) : null,
        headers,
        timestamp: '0',
      };
    });
  }
}
