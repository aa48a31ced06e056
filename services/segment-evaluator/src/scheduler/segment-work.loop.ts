import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger, Registry } from '@tessera/observability';
import { METRICS_REGISTRY, SERVICE_LOGGER } from '@tessera/service-kit';
import { SegmentBackfillWorker } from '../backfill/segment-backfill.worker';
import { SegmentClock } from '../config/segment-clock';
import { SEGMENT_SETTINGS, type SegmentSettings } from '../config/segment-settings';
import { evaluationMetrics, type EvaluationMetrics } from '../evaluation/metrics';
import type { MembershipFlip } from '../evaluation/membership-decider';
import { DueTimerScheduler } from './due-timer.scheduler';

/**
 * Every SEGMENTS_TIMER_POLL_MS: fire the due timers, then run pending backfill pages. Several instances may run it
 * at once (profile row locks and SKIP LOCKED keep them apart). Stopped before the database closes.
 */
@Injectable()
export class SegmentWorkLoop implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly metrics: EvaluationMetrics;

  constructor(
    private readonly timers: DueTimerScheduler,
    private readonly backfills: SegmentBackfillWorker,
    private readonly clock: SegmentClock,
    @Inject(SEGMENT_SETTINGS) private readonly settings: SegmentSettings,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.metrics = evaluationMetrics(registry);
  }

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass (timers, then backfills); concurrent calls share the pass in flight. Tests call it after moving the clock. */
  runOnce(): Promise<void> {
    this.running ??= (async () => {
      this.count('timer', await this.timers.runDue(this.clock.now()));
      this.count('backfill', await this.backfills.runPending(() => this.clock.now()));
    })()
      .catch((err: unknown) => this.logger.warn({ err }, 'segment timers / backfills pass failed; retrying on the next poll'))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.runOnce().finally(() => this.schedule()), this.settings.timerPollMs);
    this.timer.unref();
  }

  private count(trigger: string, flips: MembershipFlip[]): void {
    for (const flip of flips) this.metrics.membershipChanges.inc({ trigger, change: flip.change });
  }
}
