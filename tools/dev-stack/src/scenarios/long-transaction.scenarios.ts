import { OpenWritingTransaction } from '@tessera/testing';
import { timeAfter, type ScenarioSuite } from '../test-support/scenario-suite';

/**
 * A writing transaction left open in Postgres (an analytics job, a stuck session, here in the gateway's schema)
 * must not hold back the other services' outboxes: events sent while it stays open reach their profiles through
 * validation, the identity resolver and the profile merger, each of which publishes through its outbox.
 */

const at = timeAfter(Date.UTC(2026, 4, 1));
/** Generous for three hops on a loaded machine; with the rows held back until the transaction ends, never. */
const WAVE_MS = 20_000;

export function longTransactionScenarios({ client, send, schema }: ScenarioSuite): void {
  it('events sent while it stays open reach their profiles, wave after wave', async () => {
    const pool = schema('ingest-gateway').pool;
    const open = await OpenWritingTransaction.begin(pool, 'scenario_busy');
    try {
      for (const wave of [1, 2, 3]) {
        const users = Array.from({ length: 5 }, (_, i) => `long-tx-${wave}-${i}`);
        const sentAt = Date.now();
        await send('batch', {
          batch: users.map((userId, i) => ({
            type: 'identify',
            userId,
            traits: { wave },
            timestamp: at(wave * 10 + i),
            messageId: `${userId}-identify`,
          })),
        });
        for (const userId of users)
          await client.waitForProfile('user_id', userId, (p) => p.summary.itemCount === 1, WAVE_MS - (Date.now() - sentAt));
      }
      expect(await open.stillOpen(pool)).toBe(true);
    } finally {
      await open.rollback();
    }
  }, 120_000);
}
