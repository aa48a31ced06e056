import type { Admin, Kafka } from 'kafkajs';
import pino from 'pino';
import { createKafkaClient, type KafkaClientOptions } from './kafka-client.factory';

/** A success younger than this answers without a new request: probes from several checkers share one. */
const FRESH_MS = 1_000;

export interface BrokerProbeOptions {
  /** The service's client settings (brokers, TLS, SASL); the probe makes a client of its own from them. */
  client: Pick<KafkaClientOptions, 'clientId' | 'brokers' | 'ssl' | 'sasl'>;
  /** A round trip must answer within this (default 1500 ms, under the readiness check's 2 s). */
  timeoutMs?: number;
}

/**
 * Whether the broker answers now, for readiness. A client's "connected" flag stays true for a while after the
 * broker died (kafkajs only learns on its next request), so readiness asks: one Metadata request (no topics, so
 * it is cheap) on an admin client of its own, bounded by a timeout. That client never retries (the service's
 * client retries a connection for minutes, and an abandoned probe would keep doing so in the background) and
 * logs nothing (the readiness answer says why it failed). A failed or late probe drops its client, so the next
 * one dials afresh instead of queueing on a dead socket.
 */
export class BrokerProbe {
  private readonly timeoutMs: number;
  private readonly kafka: Kafka;
  private admin: Admin | undefined;
  private connected: Promise<void> | undefined;
  private lastSuccess = 0;
  private inFlight: Promise<void> | undefined;
  private closed = false;

  constructor(opts: BrokerProbeOptions) {
    this.timeoutMs = opts.timeoutMs ?? 1_500;
    this.kafka = createKafkaClient({
      ...opts.client,
      clientId: `${opts.client.clientId}-readiness`,
      // the probe's own timer decides and says so; kafkajs's timeouts are a backstop, longer, so that on a busy
      // event loop (both due in one timers phase) they do not answer first with another message
      connectionTimeoutMs: 2 * this.timeoutMs,
      requestTimeoutMs: 2 * this.timeoutMs,
      retry: { retries: 0 },
      logger: pino({ level: 'silent' }),
    });
  }

  /** Resolves when the broker answered within the timeout (or did within FRESH_MS); throws saying why not. */
  async check(): Promise<void> {
    if (this.closed) throw new Error('the broker probe is closed');
    if (Date.now() - this.lastSuccess < FRESH_MS) return;
    this.inFlight ??= this.roundTrip().finally(() => (this.inFlight = undefined));
    await this.inFlight;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.drop();
  }

  private async roundTrip(): Promise<void> {
    const admin = (this.admin ??= this.kafka.admin());
    let timer: NodeJS.Timeout | undefined;
    const request = (async () => {
      await (this.connected ??= admin.connect());
      await admin.describeCluster();
    })();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      await Promise.race([request, timeout]);
      this.lastSuccess = Date.now();
    } catch (err) {
      request.catch(() => undefined); // a late failure of the abandoned request is expected
      void this.drop(); // not awaited: a disconnect from a broker that does not answer must not hold the probe
      throw new Error(`the Kafka broker did not answer a metadata request: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      clearTimeout(timer);
    }
  }

  private async drop(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    this.connected = undefined;
    await admin?.disconnect().catch(() => undefined);
  }
}
