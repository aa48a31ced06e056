import { Inject, Injectable } from '@nestjs/common';
import { decode, Topics } from '@tessera/contracts';
import { ok, type ApplyContext, type InboundMessage, type StepResult } from '@tessera/kafka';
import { KafkaBatchConsumer, type KafkaBatchApplier } from '@tessera/kafka-nest';
import { CounterTally, type Registry } from '@tessera/observability';
import { METRICS_REGISTRY } from '@tessera/service-kit';
import { SegmentClock } from '../config/segment-clock';
import type { EvaluatorInput } from './evaluator-input';
import { evaluationMetrics, type EvaluationMetrics } from './metrics';
import { ProfileChangesApplier } from './profile-changes.applier';
import { ResolvedEventsApplier } from './resolved-events.applier';
import { SegmentCatalogCache } from './segment-catalog.cache';

export const SEGMENT_EVALUATOR_GROUP_ID = 'segment-evaluator';

/**
 * The evaluator's exactly-once consumer: each slice (one partition of one topic) updates the projection, the
 * memberships and due times, and stages the cdp.segments.membership messages, in the processor's transaction
 * with the consumed offsets. All partitions of a fetch (of twelve: two topics of six) are handed over at once and
 * share four group transactions in flight, not the default two, as it had four slices in flight before group
 * commit: a slice's apply is long (many statements). The processor takes slices in (partition, topic) order, so
 * partition p of both topics (one profile's inputs) usually share a group; where a group's share ends between them
 * (12 slices in 4 groups split partitions 1 and 4), the later group waits on the earlier one's profile rows, a few
 * ms per transaction at 500 changes/s (docs/benchmarks.md). Each slice locks its profiles in id order.
 */
@Injectable()
@KafkaBatchConsumer({
  groupId: SEGMENT_EVALUATOR_GROUP_ID,
  topics: [Topics.ProfilesChanged, Topics.EventsResolved],
  groupCommitTransactions: 4,
})
export class EvaluatorInputConsumer implements KafkaBatchApplier<EvaluatorInput> {
  private readonly metrics: EvaluationMetrics;

  constructor(
    @Inject(METRICS_REGISTRY) registry: Registry,
    private readonly clock: SegmentClock,
    private readonly profileChanges: ProfileChangesApplier,
    private readonly resolvedEvents: ResolvedEventsApplier,
    private readonly catalogs: SegmentCatalogCache,
  ) {
    this.metrics = evaluationMetrics(registry);
  }

  /** A payload that is not the topic's contract throws, and the processor dead-letters it as undecodable. */
  decode(message: InboundMessage): StepResult<EvaluatorInput> {
    if (!message.value) throw new Error('empty message value');
    if (message.topic === Topics.ProfilesChanged) return ok({ kind: 'profile', change: decode(Topics.ProfilesChanged, message.value) });
    return ok({ kind: 'item', item: decode(Topics.EventsResolved, message.value) });
  }

  async apply(ctx: ApplyContext<EvaluatorInput>): Promise<void> {
    const stopTimer = this.metrics.sliceDuration.startTimer();
    // read after the slice's profile locks, so a definition edit committed while a lock was awaited is seen
    const catalog = () => this.catalogs.load(ctx.tx);
    const now = this.clock.now();
    const inputs = ctx.records.map((r) => r.value);
    const trigger = ctx.topic === Topics.ProfilesChanged ? 'profile_change' : 'event';
    const result =
      ctx.topic === Topics.ProfilesChanged
        ? await this.profileChanges.apply(
            ctx.tx,
            catalog,
            inputs.flatMap((i) => (i.kind === 'profile' ? [i.change] : [])),
            now,
          )
        : await this.resolvedEvents.apply(
            ctx.tx,
            catalog,
            inputs.flatMap((i) => (i.kind === 'item' ? [i.item] : [])),
            now,
          );
    for (const { topic, message } of result.messages) ctx.emit(topic, message);
    const counts = new CounterTally();
    // one increment per kind of change, not per flip: a first sight flips ~30 segments
    const entered = result.flips.filter((flip) => flip.change === 'entered').length;
    counts.add(this.metrics.membershipChanges, { trigger, change: 'entered' }, entered);
    counts.add(this.metrics.membershipChanges, { trigger, change: 'exited' }, result.flips.length - entered);
    ctx.afterCommit(() => counts.flush());
    stopTimer();
  }
}
