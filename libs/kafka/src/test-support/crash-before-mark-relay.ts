import { OutboxRelay } from '../outbox-relay';
import type { OutboxRow } from '../outbox-rows';
import type { SqlExecutor } from '../sql-client';

/** A relay that dies between publishing and deleting (its first `crashes` rounds): the window dedupe exists for. */
export class CrashBeforeMarkRelay extends OutboxRelay {
  crashes = 1;

  protected override async markPublished(tx: SqlExecutor, rows: readonly OutboxRow[]): Promise<void> {
    if (this.crashes-- > 0) throw new Error('simulated crash after publish, before mark');
    await super.markPublished(tx, rows);
  }
}
