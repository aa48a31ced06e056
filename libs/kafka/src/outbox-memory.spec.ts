import type { PackedMessage } from './outbox-batch-codec';
import { limitOutboxMemory, OutboxMemory, outboxMemory } from './outbox-memory';

const message = (value: string): PackedMessage => ({ topic: 't', key: null, value: Buffer.from(value), headers: {} });

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

  it('limitOutboxMemory bounds one outbox (0: nothing kept) and leaves the others alone', () => {
    limitOutboxMemory('db.limited', 0);
    outboxMemory('db.limited').remember('1', [message('a')], 10);
    outboxMemory('db.other').remember('1', [message('a')], 10);
    expect(outboxMemory('db.limited').ids()).toEqual([]);
    expect(outboxMemory('db.other').ids()).toEqual(['1']);
  });
});
