import type { InboundMessage, SqlExecutor } from '@tessera/kafka';
import { buildUnnestInsert } from '@tessera/persistence';

/**
 * The narrowest per-event row a stage of the real pipeline must write in its slice transaction, for --item-log:
 * `source-items` stands for the resolver's resolved_items (its primary key, nothing else), `profile-items` for the
 * merger's profile_items (profile, message id and the event bytes). Both are written with the services' unnest
 * builder and ON CONFLICT DO NOTHING, as the services write theirs.
 */
export interface ItemLog {
  readonly table: string;
  readonly ddl: string;
  append(tx: SqlExecutor, messages: readonly InboundMessage[]): Promise<void>;
}

export type ItemLogKind = 'source-items' | 'profile-items';

/**
 * The event's id without decoding its body: its place in the stage's input topic, unique per event there, padded
 * to 36 characters so the rows are as wide as with the services' UUID message ids.
 */
const messageIdOf = (message: InboundMessage): string => `${message.partition}:${message.offset}`.padStart(36, '0');

async function run(tx: SqlExecutor, query: { text: string; values: unknown[] }): Promise<void> {
  await tx.query(query.text, query.values);
}

export const ITEM_LOGS: Record<ItemLogKind, ItemLog> = {
  'source-items': {
    table: 'source_items',
    ddl: 'CREATE TABLE IF NOT EXISTS source_items (message_id text NOT NULL, source_id text NOT NULL, PRIMARY KEY (message_id, source_id))',
    // Every event's source is `web`: the floor reads nothing from the Avro body, which it never decodes.
    append: (tx, messages) =>
      run(
        tx,
        buildUnnestInsert({
          table: 'source_items',
          columns: [
            { name: 'message_id', type: 'text' },
            { name: 'source_id', type: 'text' },
          ],
          rows: messages.map((m) => ({ message_id: messageIdOf(m), source_id: 'web' })),
          onConflict: { target: ['message_id', 'source_id'], action: 'nothing' },
        }),
      ),
  },
  'profile-items': {
    table: 'profile_items',
    // message_id COLLATE "C" as in the merger's profile_items.
    ddl: 'CREATE TABLE IF NOT EXISTS profile_items (profile_id text NOT NULL, message_id text COLLATE "C" NOT NULL, payload bytea NOT NULL, PRIMARY KEY (profile_id, message_id))',
    // Keyed as stage A emitted it (the event's user or anonymous id stands for the profile id).
    append: (tx, messages) =>
      run(
        tx,
        buildUnnestInsert({
          table: 'profile_items',
          columns: [
            { name: 'profile_id', type: 'text' },
            { name: 'message_id', type: 'text' },
            { name: 'payload', type: 'bytea' },
          ],
          rows: messages.map((m) => ({ profile_id: m.key?.toString() ?? '', message_id: messageIdOf(m), payload: m.value })),
          onConflict: { target: ['profile_id', 'message_id'], action: 'nothing' },
        }),
      ),
  },
};
