import type { Message } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { appendClaimTime, hopTraceEnabled } from './hop-trace';
import { OutboxRelayMetrics } from './metrics';
import { claimOutboxRows, deleteOutboxRows, hasUnclaimedRows, type OutboxRow } from './outbox-rows';
import { OUTBOX_LANES, OUTBOX_NOTIFY_CHANNEL } from './outbox-writer';
import type { SqlExecutor } from './sql-client';

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
   * Next round after one that left committed rows waiting behind an older, still-running transaction (default
   * 20 ms). That transaction may write no outbox row, so no NOTIFY would announce its end.
   */
  heldBackRetryMs?: number;
  registry?: Registry;
  service?: string;
  logger?: Logger;
}

/** Held back this long, the relay logs a warning (again every as long while it lasts). */
const HELD_BACK_WARNING_MS = 30_000;

/**
 * Publishes outbox rows and deletes them. Each round is one transaction: lock some ordering lanes (advisory
 * locks, so several relay instances split the lanes and one key is never published by two at once), claim the
 * oldest settled rows of those lanes (outbox-rows.ts), publish them in one acked batch, delete them, commit.
 * A crash after publishing and before commit publishes those rows again, with the same `tessera-seq` headers;
 * consumers dedupe on them (sequence-dedupe.ts).
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly heldBackRetryMs: number;
  /** Whether the last round left rows of its lanes unclaimed: held back by an older transaction (see HORIZON in outbox-rows.ts) or newer than its claim. */
  private heldBack = false;
  private heldBackSince: number | undefined;
  private lastHeldBackWarning = 0;
  private readonly metrics?: OutboxRelayMetrics;
  private readonly logger?: Logger;
  private listener: PoolClient | undefined;
  private schema: string | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private woken = false;
  private detachListener: (() => void) | undefined;

  constructor(private readonly opts: OutboxRelayOptions) {
    this.batchSize = opts.batchSize ?? 1000;
    this.pollIntervalMs = opts.pollIntervalMs ?? 1000;
    this.heldBackRetryMs = opts.heldBackRetryMs ?? 20;
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
   * Publishes until the outbox is empty (or a round fails); returns the number of messages published. Rows
   * held back by a running transaction are waited for, so this does not return while one is open.
   */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.publishRound();
      total += n;
      if (n >= this.batchSize) continue;
      if (!this.heldBack) return total;
      await new Promise((resolve) => setTimeout(resolve, this.heldBackRetryMs));
    }
  }

  /** One claim-publish-delete round; returns how many messages it published. */
  async publishRound(): Promise<number> {
    const client = await this.opts.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const rows = await this.claim(client);
      const messages = rows.flatMap((row) => row.messages);
      if (hopTraceEnabled) {
        const claimedAt = Date.now();
        for (const m of messages) appendClaimTime(m.headers, claimedAt);
      }
      if (rows.length > 0) {
        await this.publish(rows);
        await this.markPublished(client, rows);
      }
      await client.query('COMMIT');
      for (const m of messages) this.metrics?.published.inc({ topic: m.topic });
      this.trackHeldBack();
      return messages.length;
    } catch (err) {
      await client.query('ROLLBACK').catch((e: Error) => (broken = e));
      throw err;
    } finally {
      client.release(broken ?? false);
    }
  }

  protected async claim(tx: SqlExecutor): Promise<OutboxRow[]> {
    // Lanes this round owns; transaction-scoped advisory locks keyed by schema, released at COMMIT/ROLLBACK.
    const { rows: lanes } = await tx.query<{ lane: number }>(
      `SELECT lane FROM generate_series(0, $1::int - 1) AS lane
       WHERE pg_try_advisory_xact_lock(hashtext('tessera_outbox:' || current_schema()), lane)`,
      [OUTBOX_LANES],
    );
    this.heldBack = false;
    if (lanes.length === 0) return [];
    const owned = lanes.map((l) => l.lane);
    const rows = await claimOutboxRows(tx, owned, this.batchSize);
    const claimed = rows.reduce((sum, row) => sum + row.message_count, 0);
    if (claimed < this.batchSize) this.heldBack = await hasUnclaimedRows(tx, owned, rows);
    return rows;
  }

  protected async publish(rows: readonly OutboxRow[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const m of rows.flatMap((row) => row.messages)) {
      const list = byTopic.get(m.topic) ?? [];
      if (!byTopic.has(m.topic)) byTopic.set(m.topic, list);
      list.push({ key: m.key, value: m.value, headers: m.headers });
    }
    await this.opts.publisher.sendBatch([...byTopic].map(([topic, messages]) => ({ topic, messages })), { immediate: true });
  }

  protected async markPublished(tx: SqlExecutor, rows: readonly OutboxRow[]): Promise<void> {
    await deleteOutboxRows(tx, rows);
  }

  /**
   * A long-running writing transaction anywhere in the cluster holds back every outbox (the rows wait, nothing is
   * lost): make that visible, since the cause is usually in another process entirely.
   */
  private trackHeldBack(): void {
    const now = Date.now();
    if (!this.heldBack) {
      this.heldBackSince = undefined;
      this.metrics?.heldBack.set(0);
      return;
    }
    this.heldBackSince ??= now;
    const waitedMs = now - this.heldBackSince;
    this.metrics?.heldBack.set(waitedMs / 1000);
    if (waitedMs >= HELD_BACK_WARNING_MS && now - this.lastHeldBackWarning >= HELD_BACK_WARNING_MS) {
      this.lastHeldBackWarning = now;
      this.logger?.warn({ waitedMs }, 'outbox rows are waiting behind an older transaction that is still running (see pg_stat_activity: backend_xid, xact_start)');
    }
  }

  private async run(): Promise<void> {
    let backoff = 200;
    while (this.running) {
      try {
        const n = await this.publishRound();
        backoff = 200;
        if (n >= this.batchSize) continue;
        if (this.heldBack) {
          await this.sleep(this.heldBackRetryMs);
          continue;
        }
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
    const onError = (err: Error): void => {
      this.logger?.warn({ err }, 'LISTEN connection lost; polling until it is back');
      if (this.listener === client) this.listener = undefined;
      client.removeListener('notification', onNotification);
      client.removeListener('error', onError);
      client.release(err);
    };
    try {
      const { rows } = await client.query<{ schema: string }>('SELECT current_schema() AS schema');
      this.schema = rows[0].schema;
      client.on('notification', onNotification);
      client.on('error', onError);
      await client.query(`LISTEN ${OUTBOX_NOTIFY_CHANNEL}`);
      this.listener = client;
      this.detachListener = () => {
        client.removeListener('notification', onNotification);
        client.removeListener('error', onError);
      };
    } catch (err) {
      client.removeListener('notification', onNotification);
      client.removeListener('error', onError);
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
