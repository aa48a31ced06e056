import { Inject, Injectable } from '@nestjs/common';
import { decode, Topics, type RawEvent, type RawRecord, type ValidEventInput, type ValidRecordInput, encode } from '@tessera/contracts';
import { ok, type ApplyContext, type DecodedRecord, type InboundMessage, type StepResult } from '@tessera/kafka';
import { KafkaBatchConsumer, type KafkaBatchApplier } from '@tessera/kafka-nest';
import { CounterTally, type Registry } from '@tessera/observability';
import { METRICS_REGISTRY } from '@tessera/service-kit';
import { VALIDATION_SETTINGS, type ValidationSettings } from '../config/validation-settings';
import { DedupeStore, dedupeKeyString } from '../dedupe/dedupe-store';
import { dedupeMetrics, type DedupeMetrics } from '../dedupe/metrics';
import { emptyObservations, type ItemObservations } from '../quality-report/item-observations';
import { inputQualityMetrics, type InputQualityMetrics } from '../quality-report/metrics';
import { QualityTally } from '../quality-report/quality-tally';
import { trackingPlanMetrics, type TrackingPlanMetrics } from '../tracking-plans/metrics';
import { PlanValidatorCache } from '../tracking-plans/plan-validator-cache';
import { runEventPipeline, validEventKey } from './event-pipeline';
import { pipelineMetrics, type PipelineMetrics } from './metrics';
import type { StepEnvironment } from './pipeline-types';
import { runRecordPipeline, validRecordKey } from './record-pipeline';
import { readSourceConfig } from './source-config.reader';

export type RawInput = { kind: 'event'; value: RawEvent } | { kind: 'record'; value: RawRecord };

type Accepted =
  | { record: DecodedRecord<RawInput>; kind: 'event'; value: ValidEventInput; observations: ItemObservations }
  | { record: DecodedRecord<RawInput>; kind: 'record'; value: ValidRecordInput; observations: ItemObservations };

export const VALIDATION_GROUP_ID = 'validation';

/**
 * The validation pipeline on cdp.events.raw and cdp.records.raw, exactly once: for each consumed slice, in ONE
 * transaction, it reads the sources' plans and settings, runs the steps, claims the dedupe keys of what passed,
 * stages valid items and rejections in the outbox and adds the day's quality counters; the processor around it
 * writes the consumed offsets, and the counters, in the same transaction.
 */
@Injectable()
@KafkaBatchConsumer({ groupId: VALIDATION_GROUP_ID, topics: [Topics.EventsRaw, Topics.RecordsRaw] })
export class RawInputConsumer implements KafkaBatchApplier<RawInput> {
  private readonly planValidators = new PlanValidatorCache();
  /** One quality tally for all the slices of a transaction, upserted within its last statement: no round trip of its own. */
  private readonly tallyKey = {};
  private readonly metrics: PipelineMetrics;
  private readonly planMetrics: TrackingPlanMetrics;
  private readonly dedupeMetrics: DedupeMetrics;
  private readonly qualityMetrics: InputQualityMetrics;

  constructor(
    @Inject(VALIDATION_SETTINGS) private readonly settings: ValidationSettings,
    @Inject(METRICS_REGISTRY) registry: Registry,
    private readonly dedupe: DedupeStore,
  ) {
    this.metrics = pipelineMetrics(registry);
    this.planMetrics = trackingPlanMetrics(registry);
    this.dedupeMetrics = dedupeMetrics(registry);
    this.qualityMetrics = inputQualityMetrics(registry);
  }

  /** A payload that is not the topic's contract throws, and the processor dead-letters it as undecodable. */
  decode(message: InboundMessage): StepResult<RawInput> {
    if (!message.value) throw new Error('empty message value');
    if (message.topic === Topics.RecordsRaw) return ok({ kind: 'record', value: decode(Topics.RecordsRaw, message.value) });
    return ok({ kind: 'event', value: decode(Topics.EventsRaw, message.value) });
  }

  async apply(ctx: ApplyContext<RawInput>): Promise<void> {
    const stopTimer = this.metrics.batchDuration.startTimer();
    const sourceIds = [...new Set(ctx.records.map((r) => r.value.value.sourceId))];
    const { plans, settings } = await readSourceConfig(ctx.tx, sourceIds);
    const tally = ctx.shared(this.tallyKey, () => {
      const shared = new QualityTally(ctx.partition);
      ctx.writeAtCommit(() => shared.upsert());
      return shared;
    });
    const counts = new CounterTally();
    ctx.afterCommit(() => counts.flush());

    const accepted: Accepted[] = [];
    for (const record of ctx.records) {
      const { sourceId, receivedAt } = record.value.value;
      const env: StepEnvironment = {
        plan: plans.get(sourceId),
        settings: settings.get(sourceId),
        defaultPhoneRegion: this.settings.defaultPhoneRegion,
        maxFutureSkewMs: this.settings.maxFutureSkewMs,
        planValidators: this.planValidators,
        observations: emptyObservations(),
      };
      const result = record.value.kind === 'event' ? runEventPipeline(record.value.value, env) : runRecordPipeline(record.value.value, env);
      if (result.kind === 'ok') {
        accepted.push({ record, kind: record.value.kind, value: result.value, observations: env.observations } as Accepted);
        continue;
      }
      ctx.route(record, result);
      if (result.kind === 'dlq') {
        counts.add(this.metrics.rejected, { kind: record.value.kind, reason: result.reason.code, step: result.reason.step ?? 'unnamed' });
        if (isPlanReason(result.reason.code)) counts.add(this.planMetrics.violations, { reason: result.reason.code, mode: 'reject' });
        tally.add(sourceId, receivedAt, { ...env.observations, rejected: 1 });
        this.qualityMetrics.observe(env.observations, counts);
      }
    }

    const fresh = await this.claimDedupeKeys(ctx, accepted, tally, counts);
    for (const item of fresh) {
      const { sourceId, receivedAt } = item.value;
      if (item.kind === 'event') {
        ctx.emit(Topics.EventsValid, { key: validEventKey(item.value), value: encode(Topics.EventsValid, item.value) });
        for (const violation of item.value.violations ?? []) {
          if (isPlanReason(violation.reason ?? 'other'))
            counts.add(this.planMetrics.violations, { reason: violation.reason ?? 'other', mode: 'flag' });
        }
      } else {
        ctx.emit(Topics.RecordsValid, { key: validRecordKey(item.value), value: encode(Topics.RecordsValid, item.value) });
      }
      counts.add(this.metrics.accepted, { kind: item.kind });
      if (item.value.isTest) counts.add(this.metrics.testTraffic, { kind: item.kind });
      this.qualityMetrics.observe(item.observations, counts);
      tally.add(sourceId, receivedAt, {
        ...item.observations,
        eventsAccepted: item.kind === 'event' ? 1 : 0,
        recordsAccepted: item.kind === 'record' ? 1 : 0,
        flagged: item.kind === 'event' && (item.value.violations?.length ?? 0) > 0 ? 1 : 0,
        testItems: item.value.isTest ? 1 : 0,
      });
    }
    stopTimer();
  }

  /** Only accepted items take a dedupe key; the first copy in the slice wins, later ones and older keys are duplicates. */
  private async claimDedupeKeys(
    ctx: ApplyContext<RawInput>,
    accepted: readonly Accepted[],
    tally: QualityTally,
    counts: CounterTally,
  ): Promise<Accepted[]> {
    const firstCopies = new Map<string, Accepted>();
    const duplicates: Accepted[] = [];
    for (const item of accepted) {
      const key = dedupeKeyString(item.value);
      if (firstCopies.has(key)) duplicates.push(item);
      else firstCopies.set(key, item);
    }
    const claimed = await this.dedupe.claim(
      ctx.tx,
      [...firstCopies.values()].map((item) => item.value),
      this.settings.dedupeWindowMs,
    );
    const fresh: Accepted[] = [];
    for (const [key, item] of firstCopies) {
      if (claimed.has(key)) fresh.push(item);
      else duplicates.push(item);
    }
    for (const item of duplicates) {
      ctx.drop(item.record, `duplicate messageId ${item.value.messageId} of source ${item.value.sourceId}`);
      counts.add(this.dedupeMetrics.duplicates, { kind: item.kind });
      tally.add(item.value.sourceId, item.value.receivedAt, { duplicates: 1 });
    }
    // Offset order, so one key's valid items keep the order in which they were consumed.
    return fresh.sort((a, b) => (BigInt(a.record.message.offset) < BigInt(b.record.message.offset) ? -1 : 1));
  }
}

function isPlanReason(code: string): boolean {
  return code === 'unplanned_event' || code === 'schema_violation' || code === 'naming_convention';
}
