import { Inject, Injectable } from '@nestjs/common';
import { decode, Topics } from '@tessera/contracts';
import { ok, type ApplyContext, type InboundMessage, type StepResult } from '@tessera/kafka';
import { KafkaBatchConsumer, type KafkaBatchApplier } from '@tessera/kafka-nest';
import { CounterTally, type Registry } from '@tessera/observability';
import { preferIndexPlans } from '@tessera/persistence';
import { METRICS_REGISTRY } from '@tessera/service-kit';
import { IdentityChangesApplier } from './identity-changes.applier';
import { mergingMetrics, type MergingMetrics } from './metrics';
import type { ProfileInput } from './profile-input';
import { ResolvedItemsApplier } from './resolved-items.applier';

export const PROFILE_MERGER_GROUP_ID = 'profile-merger';

/**
 * The merger's one exactly-once consumer: each slice (one partition of one topic) is folded into profiles in
 * the processor's transaction, with its consumed offsets and the cdp.profiles.changed outbox rows.
 */
@Injectable()
@KafkaBatchConsumer({ groupId: PROFILE_MERGER_GROUP_ID, topics: [Topics.EventsResolved, Topics.IdentityMerges] })
export class ProfileInputConsumer implements KafkaBatchApplier<ProfileInput> {
  private readonly metrics: MergingMetrics;

  constructor(
    @Inject(METRICS_REGISTRY) registry: Registry,
    private readonly items: ResolvedItemsApplier,
    private readonly identityChanges: IdentityChangesApplier,
  ) {
    this.metrics = mergingMetrics(registry);
  }

  /** A payload that is not the topic's contract throws, and the processor dead-letters it as undecodable. */
  decode(message: InboundMessage): StepResult<ProfileInput> {
    if (!message.value) throw new Error('empty message value');
    if (message.topic === Topics.IdentityMerges)
      return ok({ kind: 'identity_change', change: decode(Topics.IdentityMerges, message.value) });
    return ok({ kind: 'item', item: decode(Topics.EventsResolved, message.value) });
  }

  async apply(ctx: ApplyContext<ProfileInput>): Promise<void> {
    const stopTimer = this.metrics.batchDuration.startTimer();
    await preferIndexPlans(ctx.tx);
    const published =
      ctx.topic === Topics.IdentityMerges
        ? await this.identityChanges.apply(ctx, ctx.records, this.metrics)
        : await this.items.apply(ctx, ctx.records);
    const counts = new CounterTally();
    for (const record of ctx.records) if (record.value.kind === 'item') counts.add(this.metrics.items, { kind: record.value.item.kind });
    counts.add(this.metrics.profileChanges, undefined, published);
    ctx.afterCommit(() => counts.flush());
    stopTimer();
  }
}
