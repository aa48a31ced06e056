import type { SqlExecutor } from '@tessera/kafka';
import { buildUnnestInsert } from '@tessera/persistence';
import type { ProfileState } from '../survivorship/profile-state';
import { runQuery } from './run-query';
import { ORDER_FACT_IS_LATER } from './survivorship-sql';

/**
 * Upserts the order facts of per-profile deltas into profile_orders: the SQL twin of joinOrderBooks (per order key
 * and kind, the later fact wins), so replays, resends and any arrival order leave one row per order and kind.
 * `entries` are sorted by profile id; rows are sorted by key so concurrent slices lock in the same order.
 */
export async function writeOrderBooks(tx: SqlExecutor, entries: ReadonlyArray<readonly [string, ProfileState]>): Promise<void> {
  const rows: Array<Record<string, unknown>> = [];
  for (const [profileId, delta] of entries) {
    for (const [key, entry] of [...delta.orders].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      for (const kind of ['order', 'refund'] as const) {
        const fact = entry[kind];
        if (!fact) continue;
        rows.push({
          profile_id: profileId,
          order_key: key,
          kind,
          message_id: fact.messageId,
          source_id: fact.sourceId,
          occurred_at_ms: fact.occurredAt,
          amount_micros: fact.amountMicros,
          currency: fact.currency,
          currency_origin: fact.currencyOrigin,
        });
      }
    }
  }
  if (rows.length === 0) return;
  await runQuery(
    tx,
    buildUnnestInsert({
      table: 'profile_orders',
      alias: 'o',
      columns: [
        { name: 'profile_id', type: 'text' },
        { name: 'order_key', type: 'text' },
        { name: 'kind', type: 'text' },
        { name: 'message_id', type: 'text' },
        { name: 'source_id', type: 'text' },
        { name: 'occurred_at_ms', type: 'bigint' },
        { name: 'amount_micros', type: 'bigint' },
        { name: 'currency', type: 'text' },
        { name: 'currency_origin', type: 'text' },
      ],
      rows,
      onConflict: {
        target: ['profile_id', 'order_key', 'kind'],
        update: ['message_id', 'source_id', 'occurred_at_ms', 'amount_micros', 'currency', 'currency_origin'],
        where: ORDER_FACT_IS_LATER,
      },
    }),
  );
}
