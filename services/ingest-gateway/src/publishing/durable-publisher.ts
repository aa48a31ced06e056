import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { BatchingProducer } from '@tessera/kafka';
import type { Registry } from '@tessera/observability';
import { METRICS_REGISTRY, SERVICE_KIT_OPTIONS, type ResolvedServiceKitOptions } from '@tessera/service-kit';
import type { Message } from 'kafkajs';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../config/gateway-settings';
import { PublishingMetrics } from './metrics';

/** Thrown as a 503; the caller sets Retry-After from `retryAfterSeconds`. */
export class BrokerUnavailable extends HttpException {
  constructor(
    readonly retryAfterSeconds: number,
    cause: 'timeout' | 'error',
  ) {
    super(
      cause === 'timeout'
        ? 'the event broker did not acknowledge in time; nothing was accepted, retry later'
        : 'the event broker is unavailable; nothing was accepted, retry later',
      HttpStatus.SERVICE_UNAVAILABLE,
    );
  }
}

/**
 * Hands messages to the shared BatchingProducer (which coalesces concurrent requests into one acks=all batch)
 * and resolves only once the broker acknowledged them. Past INGEST_ACK_TIMEOUT_MS, or on a producer error, it
 * throws BrokerUnavailable: the client is told nothing was accepted. The messages may still reach the broker
 * later (the producer keeps retrying); a client's retry then duplicates them, which validation removes by
 * (source, messageId) — never the other way round, an acknowledged event that is not durable.
 */
@Injectable()
export class DurablePublisher {
  private readonly metrics: PublishingMetrics;

  constructor(
    private readonly producer: BatchingProducer,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(SERVICE_KIT_OPTIONS) options: ResolvedServiceKitOptions,
  ) {
    this.metrics = new PublishingMetrics(registry, options.name);
  }

  async publish(topic: string, messages: Message[]): Promise<void> {
    const started = process.hrtime.bigint();
    // One promise settled by whichever comes first, the broker's answer or the timer (cheaper than Promise.race).
    const result = await new Promise<'ok' | 'timeout' | 'error'>((resolve) => {
      const timer = setTimeout(() => resolve('timeout'), this.settings.ackTimeoutMs);
      this.producer.send(topic, messages).then(
        () => {
          clearTimeout(timer);
          resolve('ok');
        },
        () => {
          clearTimeout(timer);
          resolve('error');
        },
      );
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.metrics.ackDuration.observe({ topic, result }, seconds);
    if (result === 'ok') return;
    this.metrics.unavailable.inc({ topic, cause: result });
    throw new BrokerUnavailable(this.settings.retryAfterSeconds, result);
  }
}
