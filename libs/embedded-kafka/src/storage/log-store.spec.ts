import { buildBatch, makeRecords } from '../records/kafkajs-batch-builder.test-helper';
import { LogStore } from './log-store';
import { TopicExistsError, UnknownTopicError } from './storage-errors';
import { batchesOf, makeTempDir, removeDir } from './storage.test-helper';

describe('LogStore', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = makeTempDir('store');
  });
  afterEach(() => removeDir(dataDir));

  it('creates topics durably and keeps data, topics and offsets across a restart', async () => {
    let store = await LogStore.open({ dataDir });
    const created = store.createTopic('orders', 3, { 'retention.ms': '1000' });
    expect(created.topicId).toHaveLength(16);
    expect(() => store.createTopic('orders', 1)).toThrow(TopicExistsError);
    const log = store.partition('orders', 1)!;
    expect(log.append(await buildBatch({ records: makeRecords(5) }), { acks: -1 }).baseOffset).toBe(0n);
    expect(log.append(await buildBatch({ records: makeRecords(2) }), { acks: -1 }).baseOffset).toBe(5n);
    store.offsets.commit('g1', [{ topic: 'orders', partition: 1, offset: 7n, leaderEpoch: 0, metadata: 'm' }]);
    await store.close();

    store = await LogStore.open({ dataDir });
    const topic = store.getTopic('orders')!;
    expect(topic.partitions).toBe(3);
    expect(topic.configs).toEqual({ 'retention.ms': '1000' });
    expect(store.getTopicById(created.topicId)?.name).toBe('orders');
    const reopened = store.partition('orders', 1)!;
    expect(reopened.logEndOffset).toBe(7);
    expect(batchesOf(reopened.read(0n, 1 << 20).records)).toEqual([
      { baseOffset: 0, count: 5 },
      { baseOffset: 5, count: 2 },
    ]);
    expect(store.offsets.fetch('g1').get('orders')?.get(1)).toEqual({ offset: 7n, leaderEpoch: 0, metadata: 'm' });
    await store.close();
  });

  it('deletes a topic with its files and committed offsets, and wakes listeners on append', async () => {
    const store = await LogStore.open({ dataDir });
    store.createTopic('a', 1);
    const woken: string[] = [];
    const unsubscribe = store.onAppend((t, p) => woken.push(`${t}/${p}`));
    store.partition('a', 0)!.append(await buildBatch({ records: makeRecords(1) }), { acks: 1 });
    unsubscribe();
    store.partition('a', 0)!.append(await buildBatch({ records: makeRecords(1) }), { acks: 1 });
    expect(woken).toEqual(['a/0']);
    store.offsets.commit('g', [{ topic: 'a', partition: 0, offset: 1n, leaderEpoch: -1, metadata: null }]);
    store.deleteTopic('a');
    expect(() => store.deleteTopic('a')).toThrow(UnknownTopicError);
    expect(store.getTopic('a')).toBeUndefined();
    expect(store.offsets.fetch('g').size).toBe(0);
    store.createTopic('a', 1);
    expect(store.partition('a', 0)!.logEndOffset).toBe(0);
    await store.close();
  });
});
