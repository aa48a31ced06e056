import { decode, encode, Topics, type ProfileChange } from '@tessera/contracts';
import { BatchApplyContext, contractDlqEncoder, type DecodedRecord } from '@tessera/kafka';
import {
  createServiceDataSource,
  dataSourcePool,
  preferIndexPlans,
  withPgTransaction,
  type DataSource,
  type Pool,
} from '@tessera/persistence';
import { Registry } from 'prom-client';
import { PROFILE_MERGER_MIGRATIONS } from '../database/migrations';
import { IdentityChangesApplier } from '../merging/identity-changes.applier';
import { mergingMetrics } from '../merging/metrics';
import type { ProfileInput } from '../merging/profile-input';
import { ProfileSplitter } from '../merging/profile-splitter';
import { ResolvedItemsApplier } from '../merging/resolved-items.applier';
import { PriorityRepository } from '../priorities/priority-repository';
import { BestEmailAssigner } from '../storage/best-email-assigner';
import { ProfileItemLog } from '../storage/profile-item-log';

/** A fresh schema (the spec creates it with @tessera/testing's createTestSchema). */
export interface HarnessSchema {
  url: string;
  schema: string;
  drop(): Promise<void>;
}

/**
 * The merger's appliers on a fresh migrated schema, without Kafka: each slice runs in its own transaction, the
 * way ExactlyOnceProcessor runs it (offsets and sequence marks aside). For storage tests and measurements.
 */
export class ApplierHarness {
  private constructor(
    readonly schema: HarnessSchema,
    private readonly dataSource: DataSource,
    readonly pool: Pool,
    readonly priorities: PriorityRepository,
    private readonly items: ResolvedItemsApplier,
    private readonly changes: IdentityChangesApplier,
  ) {}

  static async start(schema: HarnessSchema): Promise<ApplierHarness> {
    const dataSource = await createServiceDataSource({ url: schema.url, schema: schema.schema, migrations: PROFILE_MERGER_MIGRATIONS });
    const pool = dataSourcePool(dataSource);
    const priorities = new PriorityRepository(pool);
    const emails = new BestEmailAssigner();
    const log = new ProfileItemLog();
    const items = new ResolvedItemsApplier(priorities, emails, log);
    const changes = new IdentityChangesApplier(emails, new ProfileSplitter(priorities, emails, log));
    return new ApplierHarness(schema, dataSource, pool, priorities, items, changes);
  }

  async stop(): Promise<void> {
    await this.dataSource.destroy();
    await this.schema.drop();
  }

  /** When set, the text of every statement the appliers run is appended here. */
  statements: string[] | undefined;
  /** When set, the time spent per statement (by its first 60 characters) is added here. */
  statementTimes: Map<string, number> | undefined;
  /** The latest cdp.profiles.changed staged for each profile, over every slice applied. */
  readonly lastPublished = new Map<string, ProfileChange>();

  /** Applies one slice of one topic in one transaction; returns how many profile changes it staged. */

  async applySlice(topic: string, inputs: readonly ProfileInput[]): Promise<number> {
    const metrics = mergingMetrics(new Registry());
    return withPgTransaction(this.pool, async (client) => {
      const times = this.statementTimes;
      const statements = this.statements;
      // As the consumer does (ProfileInputConsumer.apply): the transaction plans its key lookups as index probes.
      await preferIndexPlans(client);
      const tx =
        times || statements
          ? {
              query: async (text: string, values?: unknown[]) => {
                statements?.push(text);
                const started = performance.now();
                try {
                  return await client.query(text, values);
                } finally {
                  const key = text.replace(/\s+/g, ' ').slice(0, 60);
                  times?.set(key, (times.get(key) ?? 0) + performance.now() - started);
                }
              },
            }
          : client;
      const ctx = new BatchApplyContext<ProfileInput>(tx, 'test', topic, 0, 'profile-merger', 'cdp.events.rejected', contractDlqEncoder);
      const records: DecodedRecord<ProfileInput>[] = inputs.map((value, offset) => ({
        message: {
          topic,
          partition: 0,
          offset: String(offset),
          key: null,
          headers: {},
          timestamp: '0',
          value: value.kind === 'item' ? encode(Topics.EventsResolved, value.item) : null,
        },
        value,
      }));
      ctx.records.push(...records);
      const staged =
        topic === Topics.IdentityMerges ? await this.changes.apply(ctx, records, metrics) : await this.items.apply(ctx, records);
      for (const entry of ctx.outboxEntries()) {
        if (entry.topic !== Topics.ProfilesChanged || !Buffer.isBuffer(entry.message.value)) continue;
        const change = decode(Topics.ProfilesChanged, entry.message.value);
        this.lastPublished.set(change.profileId, change);
      }
      return staged;
    });
  }
}
