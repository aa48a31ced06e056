import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from 'pino';
import { fsyncDirectory, writeFileAtomicSync } from './atomic-file';
import {
  DEFAULT_LOG_CONFIG,
  describeTopicConfigs,
  LogConfig,
  resolveLogConfig,
  TopicConfigEntry,
  validateTopicConfigs,
} from './log-config';
import { OffsetStore } from './offset-store';
import { PartitionLog } from './partition-log';
import { ProducerIdAllocator } from './producer-id-allocator';
import { InvalidTopicError } from './invalid-topic.error';
import { TopicExistsError } from './topic-exists.error';
import { UnknownTopicError } from './unknown-topic.error';
import { ErrorCode } from '../protocol/error-codes';
import { TopicInfo, TopicMetadataStore } from './topic-metadata-store';

export interface LogStoreOptions {
  dataDir: string;
  defaults?: Partial<LogConfig>;
  logger?: Logger;
}

const TOPICS_FILE = 'topics.json';
const OFFSETS_FILE = 'committed-offsets.log';
const PRODUCER_IDS_FILE = 'producer-ids.json';
const LOCK_FILE = '.lock';
/** Written last by close(), removed at open: its presence means every segment was fsynced (Kafka's .kafka_cleanshutdown). */
const CLEAN_SHUTDOWN_FILE = '.clean-shutdown';
const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]+$/;
const MAX_TOPIC_NAME_LENGTH = 249;
const PARTITION_DIR = /^(.+)-(\d+)$/;

type AppendListener = (topic: string, partition: number) => void;

/**
 * The broker's whole durable state under one data directory: topics (topics.json), their partition logs
 * (`<topic>-<partition>/`), committed group offsets and the producer-id allocator.
 */
export class LogStore {
  private readonly topics = new Map<string, TopicInfo>();
  private readonly partitionLogs = new Map<string, PartitionLog[]>();
  private readonly listeners = new Set<AppendListener>();
  private flushTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private cleanShutdown = false;

  private constructor(
    readonly dataDir: string,
    readonly defaults: LogConfig,
    readonly offsets: OffsetStore,
    readonly producerIds: ProducerIdAllocator,
    private readonly metadata: TopicMetadataStore,
    private readonly lockFd: number,
    private readonly logger?: Logger,
  ) {}

  static async open(opts: LogStoreOptions): Promise<LogStore> {
    const defaults: LogConfig = { ...DEFAULT_LOG_CONFIG, ...opts.defaults };
    fs.mkdirSync(opts.dataDir, { recursive: true });
    const lockFd = LogStore.lockDataDir(opts.dataDir);
    const store = new LogStore(
      opts.dataDir,
      defaults,
      OffsetStore.open(path.join(opts.dataDir, OFFSETS_FILE), opts.logger),
      ProducerIdAllocator.open(path.join(opts.dataDir, PRODUCER_IDS_FILE)),
      new TopicMetadataStore(path.join(opts.dataDir, TOPICS_FILE)),
      lockFd,
      opts.logger,
    );
    const markerPath = path.join(opts.dataDir, CLEAN_SHUTDOWN_FILE);
    if (fs.existsSync(markerPath)) {
      store.cleanShutdown = true;
      // Removed durably before any append, so a crash from now on is never mistaken for a clean stop.
      fs.rmSync(markerPath);
      fsyncDirectory(opts.dataDir);
    }
    store.loadTopics();
    const fsync = defaults.fsync;
    if (typeof fsync === 'object') {
      store.flushTimer = setInterval(() => store.flushDirty(), fsync.intervalMs);
      store.flushTimer.unref();
    }
    return store;
  }

  /**
   * One broker per data directory: a second one would interleave writes into the same segments. The lock names the
   * holder by pid and process start time, so a lock left by a killed broker is taken over even when its pid has
   * been reused by another process.
   */
  private static lockDataDir(dataDir: string): number {
    const lockPath = path.join(dataDir, LOCK_FILE);
    const me = JSON.stringify({ pid: process.pid, start: LogStore.processStartTime(process.pid) });
    try {
      const holder = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as { pid: number; start: string | null };
      if (holder.pid !== process.pid && LogStore.processAlive(holder.pid) && holder.start === LogStore.processStartTime(holder.pid)) {
        throw new Error(`data directory ${dataDir} is in use by process ${holder.pid}`);
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (!(error instanceof SyntaxError) && code !== 'ENOENT') throw error;
    }
    const fd = fs.openSync(lockPath, 'w');
    fs.writeSync(fd, me);
    return fd;
  }

  private static processAlive(pid: number): boolean {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  }

  /** Start time in clock ticks since boot (Linux /proc); null elsewhere, where the pid alone has to do. */
  private static processStartTime(pid: number): string | null {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
    } catch {
      return null;
    }
  }

  private loadTopics(): void {
    for (const topic of this.metadata.load()) {
      this.topics.set(topic.name, topic);
      this.partitionLogs.set(topic.name, this.openPartitions(topic));
    }
    // Directories of topics deleted just before a crash (metadata is updated first), or left half-deleted.
    for (const entry of fs.readdirSync(this.dataDir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const match = PARTITION_DIR.exec(entry.name);
      if (!match) continue;
      const topic = this.topics.get(match[1]);
      if (!topic || Number(match[2]) >= topic.partitions) {
        this.logger?.warn({ dir: entry.name }, 'removing a partition directory of no known topic');
        fs.rmSync(path.join(this.dataDir, entry.name), { recursive: true, force: true });
      }
    }
  }

  private openPartitions(topic: TopicInfo): PartitionLog[] {
    const config = resolveLogConfig(this.defaults, topic.configs);
    const logs: PartitionLog[] = [];
    for (let partition = 0; partition < topic.partitions; partition++) {
      logs.push(
        PartitionLog.open({
          dir: path.join(this.dataDir, `${topic.name}-${partition}`),
          topic: topic.name,
          partition,
          config,
          logger: this.logger,
          onAppended: () => this.notify(topic.name, partition),
          verifyCrc: !this.cleanShutdown,
        }),
      );
    }
    return logs;
  }

  /** Creates a topic durably. Throws TopicExistsError, or InvalidTopicError for names, counts or configs Kafka refuses. */
  createTopic(name: string, partitions: number, configs: Record<string, string> = {}): TopicInfo {
    if (this.topics.has(name)) throw new TopicExistsError(name);
    LogStore.validateTopicName(name);
    if (!Number.isInteger(partitions) || partitions <= 0) {
      throw new InvalidTopicError(`Number of partitions must be larger than 0 (got ${partitions}).`, ErrorCode.INVALID_PARTITIONS);
    }
    const configProblem = validateTopicConfigs(configs);
    if (configProblem) throw new InvalidTopicError(configProblem, ErrorCode.INVALID_CONFIG);
    const topic: TopicInfo = { name, topicId: Buffer.from(randomUUID().replace(/-/g, ''), 'hex'), partitions, configs: { ...configs } };
    this.metadata.save([...this.topics.values(), topic]);
    this.topics.set(name, topic);
    this.partitionLogs.set(name, this.openPartitions(topic));
    fsyncDirectory(this.dataDir);
    return topic;
  }

  private static validateTopicName(name: string): void {
    const invalid = (why: string): never => {
      throw new InvalidTopicError(`Topic name "${name}" is illegal, ${why}`, ErrorCode.INVALID_TOPIC_EXCEPTION);
    };
    if (name.length === 0) invalid('it is empty');
    if (name === '.' || name === '..') invalid("it cannot be '.' or '..'");
    if (name.length > MAX_TOPIC_NAME_LENGTH) invalid(`it can't be longer than ${MAX_TOPIC_NAME_LENGTH} characters`);
    if (!LEGAL_TOPIC_NAME.test(name)) invalid("it contains a character other than ASCII alphanumerics, '.', '_' and '-'");
  }

  /** Deletes a topic: metadata first (so a crash never resurrects it), then its partition files and committed offsets. */
  deleteTopic(name: string): void {
    const topic = this.topics.get(name);
    if (!topic) throw new UnknownTopicError(name);
    this.topics.delete(name);
    this.metadata.save(this.topics.values());
    for (const log of this.partitionLogs.get(name) ?? []) log.delete();
    this.partitionLogs.delete(name);
    this.offsets.deleteTopic(name);
  }

  getTopic(name: string): TopicInfo | undefined {
    return this.topics.get(name);
  }

  getTopicById(id: Buffer): TopicInfo | undefined {
    for (const topic of this.topics.values()) if (topic.topicId.equals(id)) return topic;
    return undefined;
  }

  listTopics(): TopicInfo[] {
    return [...this.topics.values()];
  }

  partition(topic: string, index: number): PartitionLog | undefined {
    return this.partitionLogs.get(topic)?.[index];
  }

  /** The topic's configs as DescribeConfigs reports them (broker defaults marked isDefault). */
  describeTopicConfigs(name: string): TopicConfigEntry[] | undefined {
    const topic = this.topics.get(name);
    return topic ? describeTopicConfigs(this.defaults, topic.configs) : undefined;
  }

  /** Listeners run synchronously after every successful append; returns an unsubscribe function. */
  onAppend(listener: AppendListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(topic: string, partition: number): void {
    for (const listener of this.listeners) {
      try {
        listener(topic, partition);
      } catch (error) {
        this.logger?.error({ error: String(error) }, 'append listener failed');
      }
    }
  }

  /** Deletes old segments past retention in every partition. Returns how many segments were removed. */
  enforceRetention(nowMs = Date.now()): number {
    let removed = 0;
    for (const logs of this.partitionLogs.values()) for (const log of logs) removed += log.enforceRetention(nowMs);
    return removed;
  }

  private flushDirty(): void {
    for (const logs of this.partitionLogs.values()) {
      for (const log of logs) {
        try {
          log.flushIfDirty();
        } catch (error) {
          this.logger?.error({ topic: log.topic, partition: log.partition, error: String(error) }, 'periodic fsync failed');
        }
      }
    }
  }

  /** Flushes and fsyncs every partition, closes all files and releases the data directory. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.flushTimer) clearInterval(this.flushTimer);
    for (const logs of this.partitionLogs.values()) for (const log of logs) log.close();
    this.partitionLogs.clear();
    this.offsets.close();
    this.listeners.clear();
    writeFileAtomicSync(path.join(this.dataDir, CLEAN_SHUTDOWN_FILE), String(Date.now()));
    fs.closeSync(this.lockFd);
    fs.rmSync(path.join(this.dataDir, LOCK_FILE), { force: true });
  }
}
