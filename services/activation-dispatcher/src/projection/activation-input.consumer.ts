import { Inject, Injectable } from '@nestjs/common';
import { decode, Topics } from '@tessera/contracts';
import { ok, type ApplyContext, type InboundMessage, type StepResult } from '@tessera/kafka';
import { KafkaBatchConsumer, type KafkaBatchApplier } from '@tessera/kafka-nest';
import type { Registry } from '@tessera/observability';
import { METRICS_REGISTRY } from '@tessera/service-kit';
import { DeliveryWorker } from '../delivery/delivery.worker';
import type { WriteSummary } from '../enqueue/delivery-writer';
import type { ActivationInput } from './activation-input';
import { ActivationInputApplier } from './activation-input.applier';
import { enqueueMetrics, type EnqueueMetrics } from './metrics';

export const ACTIVATION_DISPATCHER_GROUP_ID = 'activation-dispatcher';

/**
 * The dispatcher's exactly-once consumer: each slice (one partition of one topic) updates the projections and
 * inserts its deliveries in the processor's transaction with the consumed offsets, so a crash replays the slice
 * and the deterministic delivery ids make the replay insert nothing twice.
 */
@Injectable()
@KafkaBatchConsumer({
  groupId: ACTIVATION_DISPATCHER_GROUP_ID,
  topics: [Topics.SegmentsMembership, Topics.ProfilesChanged, Topics.ProfilesComputed],
  // a delivery row waits for its slice's whole transaction before the worker can claim it: four smaller groups of
  // slices commit sooner than two large ones (bench:activation, docs/benchmarks.md)
  groupCommitTransactions: 4,
})
export class ActivationInputConsumer implements KafkaBatchApplier<ActivationInput> {
  private readonly metrics: EnqueueMetrics;

  constructor(
    @Inject(METRICS_REGISTRY) registry: Registry,
    private readonly applier: ActivationInputApplier,
    private readonly worker: DeliveryWorker,
  ) {
    this.metrics = enqueueMetrics(registry);
  }

  /** A payload that is not the topic's contract throws, and the processor dead-letters it as undecodable. */
  decode(message: InboundMessage): StepResult<ActivationInput> {
    if (!message.value) throw new Error('empty message value');
    if (message.topic === Topics.SegmentsMembership)
      return ok({ kind: 'membership', change: decode(Topics.SegmentsMembership, message.value) });
    if (message.topic === Topics.ProfilesComputed) return ok({ kind: 'computed', change: decode(Topics.ProfilesComputed, message.value) });
    return ok({ kind: 'profile', change: decode(Topics.ProfilesChanged, message.value) });
  }

  async apply(ctx: ApplyContext<ActivationInput>): Promise<void> {
    const stopTimer = this.metrics.sliceDuration.startTimer();
    const inputs = ctx.records.map((r) => r.value);
    let summary: WriteSummary;
    if (ctx.topic === Topics.SegmentsMembership)
      summary = await this.applier.memberships(
        ctx.tx,
        inputs.flatMap((i) => (i.kind === 'membership' ? [i.change] : [])),
      );
    else if (ctx.topic === Topics.ProfilesComputed)
      summary = await this.applier.computedChanges(
        ctx.tx,
        inputs.flatMap((i) => (i.kind === 'computed' ? [i.change] : [])),
      );
    else
      summary = await this.applier.profileChanges(
        ctx.tx,
        inputs.flatMap((i) => (i.kind === 'profile' ? [i.change] : [])),
      );
    ctx.afterCommit(() => {
      this.metrics.enqueued.inc({ topic: ctx.topic, status: 'pending' }, summary.pending);
      this.metrics.enqueued.inc({ topic: ctx.topic, status: 'suppressed' }, summary.suppressed);
      this.metrics.enqueued.inc({ topic: ctx.topic, status: 'pending_suppressed' }, summary.pendingSuppressed);
      // the new rows go out now rather than at the worker's next poll
      for (const destinationId of summary.destinations) this.worker.wake(destinationId);
    });
    stopTimer();
  }
}
