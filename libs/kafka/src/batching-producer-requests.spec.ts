import type { ProducerBatch } from 'kafkajs';
import { BatchingProducer, type BatchSender } from './batching-producer';

/** A broker stand-in that answers every request at once, refusing one whose bytes pass its message.max.bytes. */
class SizeLimitedSender implements BatchSender {
  readonly requests: ProducerBatch[] = [];
  constructor(private readonly maxRequestBytes: number) {}
  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}
  sendBatch = async (batch: ProducerBatch): Promise<never[]> => {
    this.requests.push(batch);
    const bytes = (batch.topicMessages ?? []).flatMap((t) => t.messages).reduce((n, m) => n + ((m.value as Buffer | null)?.length ?? 0), 0);
    if (bytes > this.maxRequestBytes)
      throw new Error('The request included a message larger than the max message size the server will accept');
    return [];
  };
}

describe('BatchingProducer: one send() larger than a request', () => {
  it('is split into requests of at most maxBatchBytes, sent in order, instead of one the broker refuses forever', async () => {
    const sender = new SizeLimitedSender(1_048_588);
    const producer = new BatchingProducer({ sender, lingerMs: 0 });
    await producer.connect();
    // An outbox relay round of 100 DLQ records that each carry a 30 KB original message: 3 MB in one call.
    const messages = Array.from({ length: 100 }, (_, i) => ({ key: `k${i % 3}`, value: Buffer.alloc(30_000, i) }));
    await producer.sendBatch([
      { topic: 'cdp.events.rejected', messages: messages.slice(0, 60) },
      { topic: 'other', messages: messages.slice(60) },
    ]);

    expect(sender.requests.length).toBeGreaterThanOrEqual(4);
    const sent = sender.requests.flatMap((r) =>
      (r.topicMessages ?? []).flatMap((t) => t.messages.map((m) => [t.topic, (m.value as Buffer)[0]])),
    );
    expect(sent).toEqual(messages.map((_, i) => [i < 60 ? 'cdp.events.rejected' : 'other', i]));
    await producer.disconnect();
  });

  it('still sends small calls as one request', async () => {
    const sender = new SizeLimitedSender(1_048_588);
    const producer = new BatchingProducer({ sender, lingerMs: 0 });
    await producer.connect();
    await producer.send(
      't',
      Array.from({ length: 50 }, (_, i) => ({ value: `v${i}` })),
    );
    expect(sender.requests).toHaveLength(1);
    await producer.disconnect();
  });
});
