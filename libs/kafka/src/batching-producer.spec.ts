import type { ProducerBatch } from 'kafkajs';
import { BatchingProducer, type BatchSender } from './batching-producer';

/** A sender that records each sendBatch and lets the test decide when (and how) the broker answers. */
class ControlledSender implements BatchSender {
  readonly batches: ProducerBatch[] = [];
  private readonly answers: { resolve: () => void; reject: (e: Error) => void }[] = [];
  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}
  sendBatch = (batch: ProducerBatch): Promise<never[]> => {
    this.batches.push(batch);
    return new Promise((resolve, reject) => this.answers.push({ resolve: () => resolve([]), reject }));
  };
  ack(): void {
    this.answers.shift()?.resolve();
  }
  fail(err: Error): void {
    this.answers.shift()?.reject(err);
  }
}

const tick = () => new Promise((r) => setTimeout(r, 20));

async function connected(sender: ControlledSender, opts: Partial<ConstructorParameters<typeof BatchingProducer>[0]> = {}) {
  const p = new BatchingProducer({ sender, lingerMs: 5, ...opts });
  await p.connect();
  return p;
}

describe('BatchingProducer', () => {
  it('coalesces concurrent sends into one acked sendBatch and resolves every caller on the ack', async () => {
    const sender = new ControlledSender();
    const producer = await connected(sender);
    let settled = 0;
    const sends = Array.from({ length: 100 }, (_, i) =>
      producer.send(i % 2 ? 'a' : 'b', [{ key: `k${i}`, value: `v${i}` }]).then(() => settled++),
    );
    await tick();
    expect(sender.batches).toHaveLength(1);
    expect(sender.batches[0].acks).toBe(-1);
    expect(sender.batches[0].topicMessages?.map((t) => [t.topic, t.messages.length])).toEqual([
      ['b', 50],
      ['a', 50],
    ]);
    expect(settled).toBe(0); // nobody resolves before the broker answers
    sender.ack();
    await Promise.all(sends);
    expect(settled).toBe(100);
  });

  it('keeps one batch in flight and sends what queued meanwhile as the next batch, in order', async () => {
    const sender = new ControlledSender();
    const producer = await connected(sender);
    const first = producer.send('t', [{ value: '1' }]);
    await tick();
    const later = [producer.send('t', [{ value: '2' }]), producer.send('t', [{ value: '3' }])];
    await tick();
    expect(sender.batches).toHaveLength(1);
    sender.ack();
    await first;
    await tick();
    expect(sender.batches).toHaveLength(2);
    expect(sender.batches[1].topicMessages?.[0].messages.map((m) => m.value)).toEqual(['2', '3']);
    sender.ack();
    await Promise.all(later);
  });

  it('starts an immediate send at once instead of lingering, taking what was queued before it along', async () => {
    const sender = new ControlledSender();
    const producer = await connected(sender, { lingerMs: 60_000 });
    const queued = producer.send('t', [{ value: '1' }]);
    const relayed = producer.sendBatch([{ topic: 't', messages: [{ value: '2' }] }], { immediate: true });
    // synchronously: no timer (the linger is a minute) had to fire
    expect(sender.batches).toHaveLength(1);
    expect(sender.batches[0].topicMessages?.[0].messages.map((m) => m.value)).toEqual(['1', '2']);
    sender.ack();
    await Promise.all([queued, relayed]);
  });

  it('rejects every caller of a failed batch with the broker error', async () => {
    const sender = new ControlledSender();
    const producer = await connected(sender);
    const sends = [producer.send('t', [{ value: '1' }]), producer.send('t', [{ value: '2' }])];
    await tick();
    sender.fail(new Error('NOT_ENOUGH_REPLICAS'));
    for (const s of sends) await expect(s).rejects.toThrow('NOT_ENOUGH_REPLICAS');
  });

  it('splits by the size limits without splitting one caller', async () => {
    const sender = new ControlledSender();
    const producer = await connected(sender, { maxBatchMessages: 3 });
    const sends = [producer.send('t', [{ value: 'a' }, { value: 'b' }]), producer.send('t', [{ value: 'c' }, { value: 'd' }])];
    await tick();
    expect(sender.batches).toHaveLength(1);
    expect(sender.batches[0].topicMessages?.[0].messages).toHaveLength(2);
    sender.ack();
    await tick();
    expect(sender.batches).toHaveLength(2);
    sender.ack();
    await Promise.all(sends);
  });

  it('applies backpressure: send() waits while the buffer is full', async () => {
    const sender = new ControlledSender();
    const producer = await connected(sender, { maxBufferedBytes: 500 });
    const big = 'x'.repeat(300);
    const first = producer.send('t', [{ value: big }]);
    let secondQueued = false;
    const second = producer.send('t', [{ value: big }]).then(() => (secondQueued = true));
    await tick();
    expect(sender.batches).toHaveLength(1);
    sender.ack();
    await first;
    await tick();
    expect(sender.batches).toHaveLength(2);
    expect(secondQueued).toBe(false);
    sender.ack();
    await second;
  });

  it('sends the messages as given, and flushes on disconnect', async () => {
    const sender = new ControlledSender();
    const producer = await connected(sender, { lingerMs: 10_000 });
    const given = [{ value: '1' }, { value: '2', headers: { h: 'v' } }];
    const sent = producer.send('t', given);
    const closing = producer.disconnect();
    await tick();
    expect(sender.batches[0].topicMessages?.[0].messages).toEqual(given);
    sender.ack();
    await Promise.all([sent, closing]);
    await expect(producer.send('t', [{ value: '3' }])).rejects.toThrow('not connected');
  });
});
