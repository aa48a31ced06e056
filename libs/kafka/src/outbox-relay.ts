import type { Message } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { appendClaimTime, hopTraceEnabled } from './hop-trace';
import { OutboxRelayMetrics } from './metrics';
import { OUTBOX_MEMORY_KEY_SQL, outboxMemory } from './outbox-memory';
import { claimOutboxRows, deleteOutboxRows, type OutboxRow } from './outbox-rows';
import { OUTBOX_NOTIFY_CHANNEL } from './outbox-writer';
import { inTransaction, type SqlExecutor } from './sql-client';

/** What the relay publishes with: a BatchingProducer fits (acks=-1, idempotent). */
export interface OutboxPublisher {
  /** `immediate`: the relay waits for the answer and nobody joins its request, so the producer need not linger. */
  sendBatch(topicMessages: { topic: string; messages: Message[] }[], options?: { immediate?: boolean }): Promise<void>;
}

export interface OutboxRelayOptions {
  /** Pool whose connections have the service schema on their search_path. */
  pool: Pool;
  publisher: OutboxPublisher;
  /** Messages per round (default 1000; a packed row is never split, so a round may take a few more). */
  batchSize?: number;
  /** Fallback poll when no NOTIFY arrives (default 1 s). */
  pollIntervalMs?: number;
  /**
   * After a round that published something, the next starts no sooner than this (default 5 ms), so under a steady
   * flow of commits a round takes several transactions' rows at once instead of one each. An idle relay still wakes
   * at once on a NOTIFY: the first message after a quiet spell does not wait.
   */
  coalesceMs?: number;
  registry?: Registry;
  service?: string;
  logger?: Logger;
}

/**
 * Publishes outbox rows and deletes them. Each round is one transaction: take the schema's relay lock (a
 * transaction-scoped advisory try-lock, so of several relay instances one publishes at a time and the others wait
 * for the next poll or NOTIFY), claim the oldest committed rows in id order (outbox-rows.ts), publish them in one
 * acked batch, delete them, commit. A crash after publishing and before commit publishes those rows again, with
 * the same `tessera-seq` headers; consumers dedupe on them (sequence-dedupe.ts).
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly coalesceMs: number;
  private readonly metrics?: OutboxRelayMetrics;
  private readonly logger?: Logger;
  private listener: PoolClient | undefined;
  private schema: string | undefined;
  private memoryKey: string | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private woken = false;
  private detachListener: (() => void) | undefined;

  constructor(private readonly opts: OutboxRelayOptions) {
    this.batchSize = opts.batchSize ?? 1000;
    this.pollIntervalMs = opts.pollIntervalMs ?? 1000;
    this.coalesceMs = opts.coalesceMs ?? 5;
    this.metrics = opts.registry ? new OutboxRelayMetrics(opts.registry, opts.service ?? 'app') : undefined;
    this.logger = opts.logger?.child({ component: 'outbox-relay' });
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.listen().catch((err) => this.logger?.warn({ err }, 'LISTEN failed; relying on polling'));
    this.loop = this.run();
  }

  /** Finishes the round in flight, then stops. Unpublished rows stay for the next start. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.nudge();
    await this.loop;
    await this.unlisten();
  }

  /**
   * Publishes until a round finds less than its budget (or fails); returns the number of messages published. A
   * round that finds another relay holding the lock publishes nothing, and ends this too.
   */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.publishRound();
      total += n;
      if (n < this.batchSize) return total;
    }
  }

  /** One claim-publish-delete round; returns how many messages it published. */
  async publishRound(): Promise<number> {
    const rows = await inTransaction(this.opts.pool, async (tx) => {
      const claimed = await this.claim(tx);
      if (hopTraceEnabled) {
        const claimedAt = Date.now();
        for (const row of claimed) for (const m of row.messages) appendClaimTime(m.headers, claimedAt);
      }
      if (claimed.length > 0) {
        await this.publish(claimed);
        await this.markPublished(tx, claimed);
      }
      return claimed;
    });
    const messages = rows.flatMap((row) => row.messages);
    if (rows.length > 0 && this.memoryKey) outboxMemory(this.memoryKey).forget(rows.map((row) => row.id));
    if (this.metrics) countByTopic(this.metrics, messages);
    return messages.length;
  }

  protected async claim(tx: SqlExecutor): Promise<OutboxRow[]> {
    // One relay per schema at a time, so rows go out in one id order; released at COMMIT/ROLLBACK.
    const { rows } = await tx.query<{ locked: boolean }>(
      `SELECT pg_try_advisory_xact_lock(hashtext('tessera_outbox:' || current_schema())) AS locked`,
    );
    if (!rows[0].locked) return [];
    this.memoryKey ??= (await tx.query<{ key: string }>(`SELECT ${OUTBOX_MEMORY_KEY_SQL} AS key`)).rows[0].key;
    return claimOutboxRows(tx, this.batchSize, outboxMemory(this.memoryKey));
  }

  protected async publish(rows: readonly OutboxRow[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const m of rows.flatMap((row) => row.messages)) {
      const list = byTopic.get(m.topic) ?? [];
      if (!byTopic.has(m.topic)) byTopic.set(m.topic, list);
      list.push({ key: m.key, value: m.value, headers: m.headers });
    }
    await this.opts.publisher.sendBatch(
      [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      { immediate: true },
    );
  }

  protected async markPublished(tx: SqlExecutor, rows: readonly OutboxRow[]): Promise<void> {
    await deleteOutboxRows(tx, rows);
  }

  private async run(): Promise<void> {
    let backoff = 200;
    while (this.running) {
      try {
        const n = await this.publishRound();
        backoff = 200;
        if (n >= this.batchSize) continue;
        if (n > 0 && this.coalesceMs > 0) await new Promise((resolve) => setTimeout(resolve, this.coalesceMs));
      } catch (err) {
        this.metrics?.failures.inc();
        this.logger?.warn({ err }, 'outbox relay round failed; retrying');
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, 10_000);
        continue;
      }
      if (!this.listener && this.running) await this.listen().catch(() => undefined);
      await this.sleep(this.pollIntervalMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken || !this.running) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.nudge(), ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }

  private nudge(): void {
    if (this.wake) this.wake();
    else this.woken = true;
  }

  private async listen(): Promise<void> {
    const client = await this.opts.pool.connect();
    const onNotification = (n: { channel: string; payload?: string }): void => {
      if (n.channel === OUTBOX_NOTIFY_CHANNEL && n.payload === this.schema) this.nudge();
    };
    const detach = (): void => {
      client.removeListener('notification', onNotification);
      client.removeListener('error', onError);
    };
    const onError = (err: Error): void => {
      this.logger?.warn({ err }, 'LISTEN connection lost; polling until it is back');
      if (this.listener === client) this.listener = undefined;
      detach();
      client.release(err);
    };
    try {
      const { rows } = await client.query<{ schema: string }>('SELECT current_schema() AS schema');
      this.schema = rows[0].schema;
      client.on('notification', onNotification);
      client.on('error', onError);
      await client.query(`LISTEN ${OUTBOX_NOTIFY_CHANNEL}`);
      this.listener = client;
      this.detachListener = detach;
    } catch (err) {
      detach();
      client.release(err as Error);
      throw err;
    }
  }

  private async unlisten(): Promise<void> {
    const client = this.listener;
    if (!client) return;
    this.listener = undefined;
    this.detachListener?.();
    // Destroy rather than pool the connection, so no LISTEN state leaks to the next borrower.
    client.release(true);
  }
}

/** One increment per topic, not per message: a round carries up to a thousand messages of a few topics. */
function countByTopic(metrics: OutboxRelayMetrics, messages: readonly { topic: string }[]): void {
  const counts = new Map<string, number>();
  for (const { topic } of messages) counts.set(topic, (counts.get(topic) ?? 0) + 1);
  for (const [topic, n] of counts) metrics.published.inc({ topic }, n);
}
