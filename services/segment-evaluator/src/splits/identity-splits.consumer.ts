import { Inject, Injectable } from '@nestjs/common';
import { decode, Topics, type IdentityChange } from '@tessera/contracts';
import { ok, type ApplyContext, type InboundMessage, type StepResult } from '@tessera/kafka';
import { KafkaBatchConsumer, type KafkaBatchApplier } from '@tessera/kafka-nest';
import { CounterTally, type Registry } from '@tessera/observability';
import { METRICS_REGISTRY } from '@tessera/service-kit';
import { SegmentClock } from '../config/segment-clock';
import { evaluationMetrics, type EvaluationMetrics } from '../evaluation/metrics';
import { SplitApplier } from './split.applier';

export const SEGMENT_EVALUATOR_SPLITS_GROUP_ID = 'segment-evaluator-splits';

/**
 * The splits on cdp.identity.merges, exactly once like the main consumer (its own group, so a rare split never
 * waits behind the event stream, and the hot path reads nothing more). Merges are not read here: their
 * cdp.profiles.changed (status merged) says all the evaluator needs, since every event of the absorbed profile moves.
 */
@Injectable()
@KafkaBatchConsumer({ groupId: SEGMENT_EVALUATOR_SPLITS_GROUP_ID, topics: [Topics.IdentityMerges] })
export class IdentitySplitsConsumer implements KafkaBatchApplier<IdentityChange> {
  private readonly metrics: EvaluationMetrics;

  constructor(
    @Inject(METRICS_REGISTRY) registry: Registry,
    private readonly clock: SegmentClock,
    private readonly splits: SplitApplier,
  ) {
    this.metrics = evaluationMetrics(registry);
  }

  /** A payload that is not the topic's contract throws, and the processor dead-letters it as undecodable. */
  decode(message: InboundMessage): StepResult<IdentityChange> {
    if (!message.value) throw new Error('empty message value');
    return ok(decode(Topics.IdentityMerges, message.value));
  }

  async apply(ctx: ApplyContext<IdentityChange>): Promise<void> {
    const splits = ctx.records.map((r) => r.value).filter((change) => change.kind === 'split');
    if (splits.length === 0) return;
    const result = await this.splits.apply(ctx.tx, splits, this.clock.now());
    for (const { topic, message } of result.messages) ctx.emit(topic, message);
    const counts = new CounterTally();
    for (const flip of result.flips) counts.add(this.metrics.membershipChanges, { trigger: 'split', change: flip.change });
    ctx.afterCommit(() => counts.flush());
  }
}
