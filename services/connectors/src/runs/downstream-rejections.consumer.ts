import { Inject, Injectable } from '@nestjs/common';
import { Topics } from '@tessera/contracts';
import type { ApplyContext, InboundMessage, StepResult } from '@tessera/kafka';
import { KafkaBatchConsumer, type KafkaBatchApplier } from '@tessera/kafka-nest';
import type { Registry } from '@tessera/observability';
import { METRICS_REGISTRY } from '@tessera/service-kit';
import { countRunRejections, runRejectionOf, type RunRejection } from './downstream-rejections';
import { runRejectionMetrics, type RunRejectionMetrics } from './metrics';

export const RUN_REJECTIONS_GROUP_ID = 'connectors-rejections';

/**
 * Counts on each run the records a later service (validation, mostly) dead-lettered, exactly once, from every
 * service's DLQ topic. It never dead-letters anything itself: a record it cannot read is dropped, since rejecting it
 * would feed it back into the topic it came from.
 */
@Injectable()
@KafkaBatchConsumer({ groupId: RUN_REJECTIONS_GROUP_ID, topics: [Topics.EventsRejected] })
export class DownstreamRejectionsConsumer implements KafkaBatchApplier<RunRejection> {
  private readonly metrics: RunRejectionMetrics;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.metrics = runRejectionMetrics(registry);
  }

  decode(message: InboundMessage): StepResult<RunRejection> {
    return runRejectionOf(message);
  }

  async apply(ctx: ApplyContext<RunRejection>): Promise<void> {
    const counted = await countRunRejections(
      ctx.tx,
      ctx.records.map((r) => r.value),
    );
    ctx.afterCommit(() => this.metrics.counted.inc(counted));
  }
}
