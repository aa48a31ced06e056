import { OutboxRowPacker, type PackedMessage } from './outbox-batch-codec';
import { ForwardingOutboxMemory, OutboxMemory, outboxMemory, useOutboxMemory } from './outbox-memory';

const message = (value: string): PackedMessage => ({
  topic: 't',
  key: null,
  value: Buffer.from(value),
  headers: { 'tessera-seq': value },
});

function encodeOutboxBatch(messages: PackedMessage[]): Buffer {
  const packer = new OutboxRowPacker();
  for (const m of messages) packer.add(m.topic, m.key, m.value, m.headers);
  return packer.take()[0].packed;
}

describe('OutboxMemory', () => {
  it('holds rows until forgotten, and past its byte bound keeps nothing more', () => {
    const memory = new OutboxMemory(100);
    memory.remember('1', [message('a')], 60);
    memory.remember('2', [message('b')], 60); // would make 120 bytes: left to the table
    memory.remember('3', [message('c')], 40);
    expect(memory.ids()).toEqual(['1', '3']);
    expect(memory.messagesOf('1')?.[0].value?.toString()).toBe('a');
    expect(memory.messagesOf('2')).toBeUndefined();
    memory.forget(['1', '2']);
    expect(memory.ids()).toEqual(['3']);
    memory.remember('4', [message('d')], 60); // room again
    expect(memory.ids()).toEqual(['3', '4']);
  });

  it('lets rows a rolled-back transaction left behind go once they are stale', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    try {
      const memory = new OutboxMemory();
      memory.remember('1', [message('a')], 10);
      jest.setSystemTime(1_000_000 + 61_000);
      memory.remember('2', [message('b')], 10);
      expect(memory.ids()).toEqual(['2']);
    } finally {
      jest.useRealTimers();
    }
  });

  it('holds a packed row (from another thread) and decodes it when asked', () => {
    const memory = new OutboxMemory();
    const packed = encodeOutboxBatch([message('a'), message('b')]);
    memory.remember('7', packed, packed.length);
    expect(memory.ids()).toEqual(['7']);
    expect(memory.messagesOf('7')?.map((m) => m.value?.toString())).toEqual(['a', 'b']);
  });

  it('a ForwardingOutboxMemory keeps nothing and hands each packed row on; useOutboxMemory installs it for one outbox only', () => {
    const forwarded: Array<[string, Buffer]> = [];
    useOutboxMemory('db.forwarding', new ForwardingOutboxMemory((id, packed) => forwarded.push([id, packed])));
    const packed = encodeOutboxBatch([message('a')]);
    outboxMemory('db.forwarding').remember('1', [message('a')], packed.length, packed);
    outboxMemory('db.other').remember('1', [message('a')], packed.length, packed);
    expect(outboxMemory('db.forwarding').ids()).toEqual([]);
    expect(forwarded).toEqual([['1', packed]]);
    expect(outboxMemory('db.other').ids()).toEqual(['1']);
  });
});
