import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { decode, encode, Topics } from '@tessera/contracts';
import { ok, type ApplyContext, type DecodedRecord, type InboundMessage, type StepResult } from '@tessera/kafka';
import { KafkaBatchConsumer, type KafkaBatchApplier } from '@tessera/kafka-nest';
import { CounterTally, type Registry } from '@tessera/observability';
import { METRICS_REGISTRY } from '@tessera/service-kit';
import { IdentityGraphStore } from '../graph/identity-graph.store';
import type { ResolvedChange } from '../graph/resolved-change';
import { extractEventIdentifiers, extractRecordIdentifiers } from '../resolution/identifier-extractor';
import type { Identifier } from '../resolution/identifier';
import { IdentityResolver } from '../resolution/identity-resolver';
import type { Resolution } from '../resolution/resolution';
import { RuleBook } from '../resolution/rule-book';
import { renameLookups, renameRequestOf, type RenameRequest } from '../resolution/user-rename';
import { IdentityRulesRepository } from '../rules/identity-rules.repository';
import { resolutionMetrics, type ResolutionMetrics } from './metrics';
import { toMergeChange, toResolvedItem, type ResolverInput } from './resolved-item.mapper';

export const IDENTITY_RESOLVER_GROUP_ID = 'identity-resolver';

interface Extracted {
  record: DecodedRecord<ResolverInput>;
  identifiers: Identifier[];
  /** An alias call's previousId -> userId, a rename when previousId is a known user_id. */
  rename: RenameRequest | undefined;
}

/**
 * cdp.events.valid + cdp.records.valid -> cdp.events.resolved (keyed by profile id) + cdp.identity.merges,
 * exactly once: per consumed slice, in the processor's ONE transaction, it locks and loads the identifiers and
 * profiles the slice touches, resolves the items in offset order in memory, writes the graph changes set-based
 * and stages the outgoing messages in the outbox.
 */
@Injectable()
@KafkaBatchConsumer({ groupId: IDENTITY_RESOLVER_GROUP_ID, topics: [Topics.EventsValid, Topics.RecordsValid] })
export class ValidInputConsumer implements KafkaBatchApplier<ResolverInput> {
  private readonly metrics: ResolutionMetrics;

  constructor(
    @Inject(METRICS_REGISTRY) registry: Registry,
    private readonly rulesRepository: IdentityRulesRepository,
    private readonly store: IdentityGraphStore,
  ) {
    this.metrics = resolutionMetrics(registry);
  }

  /** A payload that is not the topic's contract throws, and the processor dead-letters it as undecodable. */
  decode(message: InboundMessage): StepResult<ResolverInput> {
    if (!message.value) throw new Error('empty message value');
    if (message.topic === Topics.RecordsValid) return ok({ kind: 'record', value: decode(Topics.RecordsValid, message.value) });
    return ok({ kind: 'event', value: decode(Topics.EventsValid, message.value) });
  }

  async apply(ctx: ApplyContext<ResolverInput>): Promise<void> {
    const stopTimer = this.metrics.sliceDuration.startTimer();
    const counts = new CounterTally();
    ctx.afterCommit(() => counts.flush());
    const rules = new RuleBook(await this.rulesRepository.listPreferringIndexPlans(ctx.tx));
    const resolver = new IdentityResolver(rules);
    const items: Extracted[] = ctx.records.map((record) => ({
      record,
      identifiers:
        record.value.kind === 'event' ? extractEventIdentifiers(record.value.value) : extractRecordIdentifiers(record.value.value),
      rename: record.value.kind === 'event' ? renameRequestOf(record.value.value) : undefined,
    }));
    const lockable = items
      .flatMap((item) => [...item.identifiers, ...renameLookups(item.identifiers, item.rename)])
      .filter((identifier) => !rules.isBlocked(identifier));
    const graph = await this.store.lockAndLoad(ctx.tx, lockable, rules);

    const at = new Date();
    const now = at.getTime();
    const resolved: Array<{ item: Extracted; resolution: Resolution }> = [];
    const changes: ResolvedChange[] = [];
    for (const item of items) {
      const resolution = resolver.resolve(item.identifiers, graph, { newProfileId: randomUUID, now }, item.rename);
      for (const dropped of resolution.dropped) counts.add(this.metrics.dropped, { reason: dropped.reason });
      counts.add(this.metrics.suspects, undefined, resolution.newSuspects.length);
      if (resolution.profileId === undefined) {
        this.rejectUnresolvable(ctx, item, resolution, counts);
        continue;
      }
      resolved.push({ item, resolution });
      const input = item.record.value;
      changes.push({
        sourceId: input.value.sourceId,
        kind: input.kind,
        messageId: input.value.messageId,
        resolution,
        mergeChangeIds: resolution.merges.map(() => randomUUID()),
        renameChangeId: resolution.rename ? randomUUID() : undefined,
      });
    }
    await this.store.persist(ctx.tx, changes, graph, at);

    for (const change of changes) {
      change.resolution.merges.forEach((merge, index) => {
        counts.add(this.metrics.merges, { rule: merge.rule });
        const value = encode(Topics.IdentityMerges, toMergeChange(merge, change.mergeChangeIds[index], change.messageId, now));
        ctx.emit(Topics.IdentityMerges, { key: merge.survivorProfileId, value });
      });
    }
    for (const { item, resolution } of resolved) {
      // Keyed by the profile as it stands at the end of the slice: a later item of the slice may have merged it.
      const profileId = graph.liveId(resolution.profileId!);
      ctx.emit(Topics.EventsResolved, {
        key: profileId,
        value: encode(Topics.EventsResolved, toResolvedItem(item.record.value, resolution, profileId, now)),
      });
      const outcome = resolution.merges.length > 0 ? 'merged' : resolution.createdProfile ? 'created' : 'attached';
      counts.add(this.metrics.resolved, { kind: item.record.value.kind, outcome });
    }
    stopTimer();
  }

  /** Nothing usable to resolve on (every identifier blocked or suspect): dead-lettered, replayable after a rule change. */
  private rejectUnresolvable(ctx: ApplyContext<ResolverInput>, item: Extracted, resolution: Resolution, counts: CounterTally): void {
    const input = item.record.value;
    const reasons = resolution.dropped.map((d) => `${d.type}:${d.value} (${d.reason})`).join(', ');
    ctx.reject(item.record, {
      code: resolution.dropped.length > 0 ? 'blocked_identifier' : 'missing_identity',
      detail: reasons ? `no usable identifier: ${reasons}` : 'the item carries no identifier',
      about: { itemKind: input.kind, sourceId: input.value.sourceId, messageId: input.value.messageId },
    });
    counts.add(this.metrics.resolved, { kind: input.kind, outcome: 'unresolvable' });
  }
}
