import type { SqlExecutor } from '@tessera/kafka';
import { buildUnnestInsert } from '@tessera/persistence';

/** Appends merge-log rows (merges and aliases) in one set-based insert: the answer to "why are these one person". */
export async function insertMergeLog(tx: SqlExecutor, rows: ReadonlyArray<Record<string, unknown>>): Promise<void> {
  const query = buildUnnestInsert({
    table: 'merge_log',
    columns: [
      { name: 'change_id', type: 'uuid' },
      { name: 'kind', type: 'text' },
      { name: 'survivor_profile_id', type: 'uuid' },
      { name: 'absorbed_profile_id', type: 'uuid' },
      { name: 'rule', type: 'text' },
      { name: 'causing_message_id', type: 'text' },
      { name: 'identifiers', type: 'jsonb' },
      { name: 'detail', type: 'text' },
      { name: 'at', type: 'timestamptz' },
    ],
    rows,
  });
  await tx.query(query.text, query.values);
}
