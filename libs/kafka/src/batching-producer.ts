import type { ICustomPartitioner, Kafka, Message, Producer, TopicMessages } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { fastDefaultPartitioner } from './fast-default-partitioner';
import { KafkaProducerMetrics } from './metrics';

/** The part of a kafkajs Producer this class drives; a seam for unit tests of the batching logic. */
export type BatchSender = Pick<Producer, 'connect' | 'disconnect' | 'sendBatch'>;

export interface BatchingProducerOptions {
  /** The client to create the idempotent producer from... */
  kafka?: Kafka;
  /** ...or a ready sender (tests). One of the two is required. */
  sender?: BatchSender;
  /** How long the first message of a batch waits for company. */
  lingerMs?: number;
  /** A batch is sent as soon as it holds this many bytes (estimated)... */
  maxBatchBytes?: number;
  /** ...or this many messages. */
  maxBatchMessages?: number;
  /** send() waits (backpressure) while more than this many bytes are buffered or in flight. */
  maxBufferedBytes?: number;
  /**
   * kafkajs's partitioner factory. Default `fastDefaultPartitioner`: the partition kafkajs's `DefaultPartitioner`
   * picks, without its 64-bit `Long` objects per four key bytes (4-6 % of a transport-floor stage's CPU in its relay).
   */
  createPartitioner?: ICustomPartitioner;
  registry?: Registry;
  service?: string;
  logger?: Logger;
}

interface PendingSend {
  topicMessages: TopicMessages[];
  bytes: number;
  count: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

const MESSAGE_OVERHEAD_BYTES = 70;

function sizeOf(m: Message): number {
  let size = MESSAGE_OVERHEAD_BYTES + (m.key?.length ?? 0) + (m.value?.length ?? 0);
  const { headers } = m;
  if (headers !== undefined) {
    for (const k in headers) {
      if (!Object.prototype.hasOwnProperty.call(headers, k)) continue;
      const v = headers[k];
      size += k.length + (typeof v === 'string' || Buffer.isBuffer(v) ? v.length : 16);
    }
  }
  return size;
}

/**
 * Coalesces concurrent send() calls into one idempotent `sendBatch` (acks=-1) per linger window or size limit.
 * Batches go out one at a time, in call order, so each caller's messages keep their order per partition.
 * Every caller's promise settles with the broker's answer for the batch that carried its messages.
 */
export class BatchingProducer {
  private readonly producer: BatchSender;
  private readonly lingerMs: number;
  private readonly maxBatchBytes: number;
  private readonly maxBatchMessages: number;
  private readonly maxBufferedBytes: number;
  private readonly metrics?: KafkaProducerMetrics;
  private readonly logger?: Logger;
  private queue: PendingSend[] = [];
  private queuedBytes = 0;
  private queuedCount = 0;
  /** Bytes queued plus bytes in flight: what backpressure limits. */
  private bufferedBytes = 0;
  private readonly capacityWaiters: (() => void)[] = [];
  private waitingForRoom = 0;
  private lingerTimer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private connected = false;
  private closing = false;

  constructor(opts: BatchingProducerOptions) {
    if (opts.sender) {
      this.producer = opts.sender;
    } else if (opts.kafka) {
      this.producer = opts.kafka.producer({
        idempotent: true,
        // One request in flight keeps per-partition order even when a request is retried.
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: opts.createPartitioner ?? fastDefaultPartitioner,
        // Bounded (about two minutes), so callers hear about an outage instead of hanging forever. A caller that
        // then resends may duplicate a message: its consumer must tell the copy by content (validation's dedupe key
        // for the gateway's clients). Steps of at most 5 s, so a batch whose leader died goes to the new one seconds
        // after the election, not a 30 s step later.
        retry: { retries: 30, initialRetryTime: 300, maxRetryTime: 5_000 },
      });
    } else {
      throw new Error('BatchingProducer needs a kafka client or a sender');
    }
    this.lingerMs = opts.lingerMs ?? 5;
    this.maxBatchBytes = opts.maxBatchBytes ?? 1_000_000;
    this.maxBatchMessages = opts.maxBatchMessages ?? 10_000;
    this.maxBufferedBytes = opts.maxBufferedBytes ?? 32 * 1024 * 1024;
    this.metrics = opts.registry ? new KafkaProducerMetrics(opts.registry, opts.service ?? 'app') : undefined;
    this.logger = opts.logger;
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
    this.closing = false;
  }

  /** Flushes what is buffered, then disconnects. Sends after this reject. */
  async disconnect(): Promise<void> {
    this.closing = true;
    await this.flush();
    if (this.connected) await this.producer.disconnect();
    this.connected = false;
  }

  isConnected(): boolean {
    return this.connected;
  }

  /** Resolves when the broker acknowledged every message (all in-sync replicas). */
  send(topic: string, messages: Message[]): Promise<void> {
    return this.sendBatch([{ topic, messages }]);
  }

  /**
   * `immediate`: start the request now instead of lingering for more callers to join it (when none is in flight;
   * otherwise it goes with the next request, which starts as soon as the one in flight is acknowledged). For a
   * caller that is the only one and waits for the answer, such as an outbox relay's round, lingering only adds
   * its time to every message's latency.
   */
  sendBatch(topicMessages: TopicMessages[], options: { immediate?: boolean } = {}): Promise<void> {
    if (this.closing || !this.connected) return Promise.reject(new Error('BatchingProducer is not connected'));
    let bytes = 0;
    let count = 0;
    for (const { messages } of topicMessages) {
      for (let i = 0; i < messages.length; i++) bytes += sizeOf(messages[i]);
      count += messages.length;
    }
    if (count === 0) return Promise.resolve();
    // Admit synchronously when there is room, so a flush() or disconnect() right after send() includes it.
    const immediate = options.immediate ?? false;
    if (this.hasRoomFor(bytes)) return this.enqueue(topicMessages, bytes, count, immediate);
    this.waitingForRoom += 1;
    return this.waitForRoom(bytes).then(() => {
      this.waitingForRoom -= 1;
      return this.enqueue(topicMessages, bytes, count, immediate);
    });
  }

  /** Sends everything buffered now and waits until it is acknowledged. */
  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight || this.waitingForRoom > 0) {
      if (!this.inFlight && this.queue.length > 0) this.startBatch();
      if (this.inFlight) await this.inFlight.catch(() => undefined);
      else await new Promise((r) => setImmediate(r));
    }
  }

  /** Backpressure: a send fits if the buffer is empty (even when larger than the bound) or has room left. */
  private hasRoomFor(bytes: number): boolean {
    return this.bufferedBytes === 0 || this.bufferedBytes + bytes <= this.maxBufferedBytes;
  }

  private async waitForRoom(bytes: number): Promise<void> {
    while (!this.hasRoomFor(bytes)) await new Promise<void>((wake) => this.capacityWaiters.push(wake));
  }

  private enqueue(topicMessages: TopicMessages[], bytes: number, count: number, immediate: boolean): Promise<void> {
    this.bufferedBytes += bytes;
    this.metrics?.bufferedBytes.set(this.bufferedBytes);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ topicMessages, bytes, count, resolve, reject });
      this.queuedBytes += bytes;
      this.queuedCount += count;
      this.schedule(immediate);
    });
  }

  private release(bytes: number): void {
    this.bufferedBytes -= bytes;
    this.metrics?.bufferedBytes.set(this.bufferedBytes);
    // Wake every waiter; each re-checks the bound, so FIFO fairness is approximate but nobody is lost.
    for (const wake of this.capacityWaiters.splice(0)) wake();
  }

  private schedule(immediate: boolean): void {
    if (this.inFlight) return; // the running batch re-schedules when it settles
    if (immediate || this.queuedBytes >= this.maxBatchBytes || this.queuedCount >= this.maxBatchMessages || this.lingerMs <= 0) {
      this.startBatch();
    } else if (!this.lingerTimer) {
      this.lingerTimer = setTimeout(() => {
        this.lingerTimer = undefined;
        if (!this.inFlight) this.startBatch();
      }, this.lingerMs);
    }
  }

  /** Takes whole send() calls from the queue head up to the size limits (always at least one). */
  private takeBatch(): PendingSend[] {
    const taken: PendingSend[] = [];
    let bytes = 0;
    let count = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0];
      if (taken.length > 0 && (bytes + next.bytes > this.maxBatchBytes || count + next.count > this.maxBatchMessages)) break;
      taken.push(this.queue.shift() as PendingSend);
      bytes += next.bytes;
      count += next.count;
    }
    this.queuedBytes -= bytes;
    this.queuedCount -= count;
    return taken;
  }

  /**
   * One sendBatch per at most maxBatchBytes, one after the other (so order per partition holds). A single send() call
   * may hold more (an outbox relay round of large DLQ records): sent as one request, its partition batches would pass
   * the broker's message.max.bytes, fail with MESSAGE_TOO_LARGE on every retry, and stall the relay for good.
   */
  private async sendInRequests(topicMessages: TopicMessages[]): Promise<void> {
    let request: TopicMessages[] = [];
    let bytes = 0;
    const flush = async () => {
      if (request.length > 0) await this.producer.sendBatch({ topicMessages: request, acks: -1 });
      request = [];
      bytes = 0;
    };
    for (const { topic, messages } of topicMessages) {
      let current: Message[] | undefined;
      for (const message of messages) {
        const size = sizeOf(message);
        if (bytes > 0 && bytes + size > this.maxBatchBytes) {
          await flush();
          current = undefined;
        }
        if (!current) {
          current = [];
          request.push({ topic, messages: current });
        }
        current.push(message);
        bytes += size;
      }
    }
    await flush();
  }

  private startBatch(): void {
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    const sends = this.takeBatch();
    if (sends.length === 0) return;
    const byTopic = new Map<string, Message[]>();
    for (const s of sends) {
      for (const { topic, messages } of s.topicMessages) {
        const list = byTopic.get(topic) ?? [];
        if (!byTopic.has(topic)) byTopic.set(topic, list);
        for (const m of messages) list.push(m);
      }
    }
    const topicMessages = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    const bytes = sends.reduce((n, s) => n + s.bytes, 0);
    this.inFlight = this.sendInRequests(topicMessages)
      .then(
        () => {
          this.metrics?.batches.inc({ result: 'ok' });
          for (const { topic, messages } of topicMessages) this.metrics?.messages.inc({ topic }, messages.length);
          for (const s of sends) s.resolve();
        },
        (err: Error) => {
          this.metrics?.batches.inc({ result: 'error' });
          this.logger?.warn({ err, messages: topicMessages.length }, 'producer batch failed');
          for (const s of sends) s.reject(err);
        },
      )
      .finally(() => {
        this.inFlight = undefined;
        this.release(bytes);
        // What queued up during the request has lingered long enough: send it right away.
        if (this.queue.length > 0) this.startBatch();
      });
  }
}
