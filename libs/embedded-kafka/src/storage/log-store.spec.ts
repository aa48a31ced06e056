import { buildBatch, makeRecords } from '../test-support/kafkajs-batch-builder';
import { LogStore } from './log-store';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCode } from '../protocol/error-codes';
import { InvalidTopicError } from './invalid-topic.error';
import { TopicExistsError } from './topic-exists.error';
import { UnknownTopicError } from './unknown-topic.error';
import { batchesOf, makeTempDir, removeDir } from '../test-support/storage-helpers';

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

  it('refuses topic names, partition counts and configs Kafka refuses', async () => {
    const store = await LogStore.open({ dataDir });
    const codeOf = (fn: () => unknown): number | undefined => {
      try {
        fn();
      } catch (error) {
        return error instanceof InvalidTopicError ? error.errorCode : undefined;
      }
      return undefined;
    };
    expect(codeOf(() => store.createTopic('bad/name', 1))).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    expect(codeOf(() => store.createTopic('..', 1))).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    expect(codeOf(() => store.createTopic('x'.repeat(250), 1))).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    expect(codeOf(() => store.createTopic('ok', 0))).toBe(ErrorCode.INVALID_PARTITIONS);
    expect(codeOf(() => store.createTopic('ok', 1, { 'retention.ms': 'soon' }))).toBe(ErrorCode.INVALID_CONFIG);
    expect(store.listTopics()).toEqual([]);
    await store.close();
  });

  it('describes topic configs with overrides and broker defaults', async () => {
    const store = await LogStore.open({ dataDir, defaults: { retentionBytes: 1000 } });
    store.createTopic('c', 1, { 'retention.ms': '60000', 'cleanup.policy': 'delete', 'compression.type': 'producer' });
    const entries = store.describeTopicConfigs('c')!;
    expect(entries).toContainEqual({ name: 'retention.ms', value: '60000', isDefault: false });
    expect(entries).toContainEqual({ name: 'retention.bytes', value: '1000', isDefault: true });
    expect(entries).toContainEqual({ name: 'compression.type', value: 'producer', isDefault: false });
    expect(store.describeTopicConfigs('missing')).toBeUndefined();
    await store.close();
  });

  it('applies topic configs to its partitions (segment.bytes, retention) and removes stray partition directories', async () => {
    let store = await LogStore.open({ dataDir });
    store.createTopic('small', 1, { 'segment.bytes': '300', 'retention.bytes': '0' });
    const log = store.partition('small', 0)!;
    for (let i = 0; i < 5; i++) log.append(await buildBatch({ records: makeRecords(2) }), { acks: 1 });
    expect(log.segmentCount).toBeGreaterThan(1);
    expect(store.enforceRetention()).toBeGreaterThan(0);
    expect(log.segmentCount).toBe(1);
    await store.close();
    fs.mkdirSync(path.join(dataDir, 'ghost-0'));
    fs.mkdirSync(path.join(dataDir, 'small-7'));
    store = await LogStore.open({ dataDir });
    expect(fs.existsSync(path.join(dataDir, 'ghost-0'))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'small-7'))).toBe(false);
    expect(store.partition('small', 0)!.logEndOffset).toBe(10);
    await store.close();
  });

  it('fsyncs on an interval when asked and still keeps appends', async () => {
    let store = await LogStore.open({ dataDir, defaults: { fsync: { intervalMs: 10 } } });
    store.createTopic('i', 1);
    store.partition('i', 0)!.append(await buildBatch({ records: makeRecords(3) }), { acks: -1 });
    await new Promise((resolve) => setTimeout(resolve, 30));
    await store.close();
    store = await LogStore.open({ dataDir });
    expect(store.partition('i', 0)!.logEndOffset).toBe(3);
    await store.close();
  });

  it('refuses a data directory locked by a live broker but takes over a stale lock', async () => {
    const startOf = (pid: number): string => {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    };
    const lock = path.join(dataDir, '.lock');
    fs.writeFileSync(lock, JSON.stringify({ pid: process.ppid, start: startOf(process.ppid) }));
    await expect(LogStore.open({ dataDir })).rejects.toThrow(/in use by process/);
    // Same pid, different start time: the pid was reused after the broker died.
    fs.writeFileSync(lock, JSON.stringify({ pid: process.ppid, start: '1' }));
    const store = await LogStore.open({ dataDir });
    await store.close();
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('answers appends and reads on a partition of a deleted topic, or after close, without touching closed files', async () => {
    const store = await LogStore.open({ dataDir });
    store.createTopic('gone', 1);
    store.createTopic('kept', 1);
    const gone = store.partition('gone', 0)!;
    const kept = store.partition('kept', 0)!;
    store.deleteTopic('gone');
    expect(gone.append(await buildBatch({ records: makeRecords(1) }), { acks: 1 }).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(gone.read(0n, 100).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    await store.close();
    expect(kept.append(await buildBatch({ records: makeRecords(1) }), { acks: 1 }).errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    expect(kept.offsetForTimestamp(-1n)).toBeUndefined();
  });

  it('trusts the log after a clean shutdown only until the next open: a crash after that is CRC-checked again', async () => {
    let store = await LogStore.open({ dataDir });
    store.createTopic('c', 1);
    store.partition('c', 0)!.append(await buildBatch({ records: makeRecords(3) }), { acks: -1 });
    store.partition('c', 0)!.append(await buildBatch({ records: makeRecords(3) }), { acks: -1 });
    await store.close();
    expect(fs.existsSync(path.join(dataDir, '.clean-shutdown'))).toBe(true);
    store = await LogStore.open({ dataDir });
    expect(fs.existsSync(path.join(dataDir, '.clean-shutdown'))).toBe(false);
    expect(store.partition('c', 0)!.logEndOffset).toBe(6);
    // Crash now (no close) and let a byte of the last batch rot.
    const segment = path.join(dataDir, 'c-0', '00000000000000000000.log');
    const bytes = fs.readFileSync(segment);
    bytes[bytes.length - 1] ^= 0xff;
    fs.writeFileSync(segment, bytes);
    store = await LogStore.open({ dataDir });
    expect(store.partition('c', 0)!.logEndOffset).toBe(3);
    await store.close();
  });
});
