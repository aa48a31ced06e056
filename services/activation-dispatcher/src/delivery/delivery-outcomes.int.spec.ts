import { parseMetaUsersForm, sha256Hex } from '@tessera/destinations';
import { inTransaction, type SqlExecutor } from '@tessera/kafka';
import { eventually, RecordingHttpServer } from '@tessera/testing';
import { DeliveryHarness, READ_TOKEN } from '../test-support/delivery-harness';
import { ABANDONED, CLAIM_LOCK_KEY } from './delivery-claim.repository';
import { ScriptedReceiver } from '../test-support/scripted-receiver';

/** From a pending row to its final status, against a real local HTTP destination and real Postgres. */
describe('delivery outcomes (embedded Postgres, real HTTP destination)', () => {
  const h = new DeliveryHarness();
  let receiver: ScriptedReceiver;

  beforeAll(async () => {
    receiver = await ScriptedReceiver.start();
    await h.start('act_outcomes');
  });

  afterAll(async () => {
    await h.stop();
    await receiver?.close();
  });

  /** Runs `fn` while no claim of the destination can run (it holds the claimers' advisory lock; a claim then skips). */
  const holdingClaims = <T>(destinationId: string, fn: (tx: SqlExecutor) => Promise<T>): Promise<T> =>
    inTransaction(h.schema.pool, async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(${CLAIM_LOCK_KEY})`, [destinationId]);
      return fn(tx);
    });

  it('retries 500 three times, then delivers once, with the same idempotency key on every attempt', async () => {
    receiver.respond('/retry', (_req, n) => (n < 3 ? { status: 500, body: { error: 'boom' } } : { status: 200 }));
    await h.destination('d-retry', { url: receiver.url('/retry') });
    const [id] = await h.enqueue('d-retry', [{ profileId: 'p1' }]);

    await h.waitForStatus([id], 'delivered');
    const requests = receiver.requests('/retry');
    expect(requests.map((r) => r.status)).toEqual([500, 500, 500, 200]);
    expect(new Set(requests.map((r) => r.idempotencyKey)).size).toBe(1);
    expect(requests.every((r) => r.items.length === 1 && r.items[0].deliveryId === id)).toBe(true);
    const row = await h.row(id);
    expect(row.batch_id).toBe(requests[0].idempotencyKey);
    expect(row.finished_at).not.toBeNull();
    expect((await h.attempts(id)).map((a) => [a.attempt, a.outcome, a.http_status, a.batch_id])).toEqual([
      [1, 'retry', 500, row.batch_id],
      [2, 'retry', 500, row.batch_id],
      [3, 'retry', 500, row.batch_id],
      [4, 'delivered', 200, row.batch_id],
    ]);
  });

  it('honours Retry-After: the next attempt waits as long as the destination asked, then carries the same key', async () => {
    receiver.respond('/busy', (_req, n) => (n === 0 ? { status: 429, headers: { 'retry-after': '120' } } : { status: 200 }));
    await h.destination('d-busy', { url: receiver.url('/busy') });
    const [id] = await h.enqueue('d-busy', [{ profileId: 'p1' }]);

    const retrying = await eventually(async () => ((await h.attempts(id))[0]?.outcome === 'retry' ? h.row(id) : undefined));
    const firstAttempt = (await h.attempts(id))[0];
    // the test backoff is at most 100 ms: a wait of two minutes is the Retry-After
    expect(retrying.next_attempt_at.getTime() - firstAttempt.finished_at.getTime()).toBeGreaterThanOrEqual(119_000);
    await h.worker.runOnce();
    await h.worker.runOnce();
    expect(receiver.requests('/busy')).toHaveLength(1);

    h.clock.advance(121_000);
    await h.waitForStatus([id], 'delivered');
    const requests = receiver.requests('/busy');
    expect(requests.map((r) => r.status)).toEqual([429, 200]);
    expect(requests[1].idempotencyKey).toBe(requests[0].idempotencyKey);
  });

  it('treats a 400 as terminal: failed with the reason, never retried', async () => {
    receiver.respond('/bad', () => ({ status: 400, body: { error: 'email is not valid' } }));
    await h.destination('d-bad', { url: receiver.url('/bad') });
    const [id] = await h.enqueue('d-bad', [{ profileId: 'p1' }]);

    await h.waitForStatus([id], 'failed');
    const row = await h.row(id);
    expect(row.reason).toMatch(/^rejected by the destination \(HTTP 400\): .*email is not valid/);
    expect(receiver.requests('/bad')).toHaveLength(1);
    expect((await h.attempts(id)).map((a) => a.outcome)).toEqual(['terminal']);
  });

  it('backs off a 401 (nothing is lost), names it on the delivery and the destination, and sends at once when the destination gets a new token', async () => {
    let tokenReplaced = false;
    receiver.respond('/auth', () => (tokenReplaced ? { status: 200 } : { status: 401, body: { error: 'token expired' } }));
    await h.destination('d-auth', { url: receiver.url('/auth') });
    const [id] = await h.enqueue('d-auth', [{ profileId: 'p1' }]);

    await eventually(async () => ((await h.attempts(id)).length >= 2 ? true : undefined));
    // As at the backoff's 15-minute ceiling: the next attempt an hour away, set while no attempt holds the row, so
    // nothing moves under the checks. Under the claimers' advisory lock: a claim that read the row as due before this
    // update would still lease it after (its lease statement does not look at next_attempt_at again).
    await eventually(async () => {
      const frozen = await holdingClaims('d-auth', (tx) =>
        tx.query(
          `UPDATE deliveries SET next_attempt_at = to_timestamp($2) + interval '1 hour'
            WHERE delivery_id = $1 AND status = 'pending' AND lease_token IS NULL`,
          [id, h.clock.now() / 1000],
        ),
      );
      return frozen.rowCount === 1 ? true : undefined;
    });
    expect((await h.row(id)).status).toBe('pending');
    expect((await h.row(id)).reason).toMatch(/^authentication failed \(HTTP 401\): .*token expired.*check the destination's credentials/);
    const attempts = await h.attempts(id);
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(new Set(attempts.map((a) => a.outcome))).toEqual(new Set(['auth_failed']));
    const status = await h.http('GET', '/v1/destinations/d-auth/status');
    expect(status.status).toBe(200);
    expect(status.body.authFailing).toBe(true);
    expect(status.body.lastError).toMatchObject({ kind: 'auth_failed', httpStatus: 401 });
    expect(status.body.lastError.message).toMatch(/^authentication failed/);
    expect(status.body.counts).toMatchObject({ failed: 0, pending: 1 });

    const sent = receiver.requests('/auth').length;
    await h.worker.runOnce();
    expect(receiver.requests('/auth')).toHaveLength(sent);

    tokenReplaced = true;
    const put = await h.http('PUT', '/v1/destinations/d-auth', {
      name: 'd-auth',
      kind: 'webhook',
      config: { url: receiver.url('/auth') },
      secrets: { bearerToken: 'renewed-token' },
    });
    expect(put.status).toBe(200);
    await h.waitForStatus([id], 'delivered');
    expect(receiver.requests('/auth').at(-1)?.status).toBe(200);
    expect((await h.row(id)).reason).toBeNull(); // the refusal is history, in the attempts
  });

  it('splits a partially rejected batch (the real Meta adapter, a local Graph API stand-in): the rejected record fails, the one not taken is retried alone in a new batch, the rest is delivered', async () => {
    let ids: string[] = [];
    const hash = (id: string) => sha256Hex(`${id}@example.com`);
    let deletes = 0;
    const graph = await new RecordingHttpServer((req) => {
      const rows = parseMetaUsersForm(req.body).payload.data;
      if (req.method === 'DELETE' && deletes++ === 0)
        return { status: 503, body: { error: { message: 'Service temporarily unavailable', code: 2 } } };
      const invalid = rows.filter((row) => row[0] === hash(ids[1]));
      return {
        status: 200,
        body: {
          audience_id: '1234',
          num_received: rows.length,
          num_invalid_entries: invalid.length,
          invalid_entry_samples: Object.fromEntries(invalid.map((row) => [row[0], 'Invalid EMAIL'])),
        },
      };
    }).start();
    try {
      await h.destination('d-partial', {
        kind: 'meta_audience',
        config: { audienceId: '1234', baseUrl: graph.url('') },
        secrets: { accessToken: 'EAAB-test-token' },
      });
      ids = await h.enqueue('d-partial', [{ profileId: 'p1' }, { profileId: 'p2' }, { profileId: 'p3', action: 'remove' }]);

      await h.waitForStatus([ids[0], ids[2]], 'delivered');
      const rejected = await h.row(ids[1]);
      expect(rejected.status).toBe('failed');
      expect(rejected.reason).toMatch(/^rejected by the destination \(HTTP \d+\): Meta rejected the entry: Invalid EMAIL$/);
      const calls = graph.requests.map(
        (r) =>
          `${r.method} ${parseMetaUsersForm(r.body)
            .payload.data.map((row) => (row[0] === hash(ids[0]) ? 'p1' : row[0] === hash(ids[1]) ? 'p2' : 'p3'))
            .join(',')}`,
      );
      expect(calls).toEqual(['POST p1,p2', 'DELETE p3', 'DELETE p3']);
      const attempts = await h.attempts(ids[2]);
      expect(attempts.map((a) => a.outcome)).toEqual(['retry', 'delivered']);
      expect(attempts[1].batch_id).not.toBe(attempts[0].batch_id); // the retried rest is a batch of its own
      expect((await h.attempts(ids[0])).map((a) => a.outcome)).toEqual(['delivered']);
      expect((await h.http('GET', '/v1/destinations/d-partial/status')).body.lastError).toMatchObject({ kind: 'rejected' });
    } finally {
      await graph.stop();
    }
  });

  it('sends a delivery out of attempts to the DLQ; replay delivers it and keeps its attempt history', async () => {
    let healthy = false;
    receiver.respond('/dlq', () => (healthy ? { status: 200 } : { status: 503 }));
    await h.destination('d-dlq', { url: receiver.url('/dlq'), maxAttempts: 3 });
    const [id, other] = await h.enqueue('d-dlq', [{ profileId: 'p1' }, { profileId: 'p2' }]);

    await h.waitForStatus([id, other], 'dead');
    expect((await h.row(id)).reason).toMatch(/^gave up after 3 attempt\(s\); last error: .*503/);
    const dlq = await h.http('GET', '/v1/destinations/d-dlq/dlq?limit=1');
    expect(dlq.status).toBe(200);
    expect(dlq.body.items).toHaveLength(1);
    expect(dlq.body.items[0]).toMatchObject({ deliveryId: id, profileId: 'p1', attempts: 3 });
    expect(dlq.body.items[0].attemptHistory.map((a: { outcome: string }) => a.outcome)).toEqual(['retry', 'retry', 'retry']);
    const secondPage = await h.http('GET', `/v1/destinations/d-dlq/dlq?limit=1&after=${dlq.body.next}`);
    expect(secondPage.body.items.map((i: { deliveryId: string }) => i.deliveryId)).toEqual([other]);
    expect(secondPage.body.next).toBeNull();
    expect((await h.http('GET', '/v1/destinations/d-dlq/status')).body.counts).toMatchObject({ dead: 2 });

    healthy = true;
    const replay = await h.http('POST', '/v1/destinations/d-dlq/dlq/replay', { deliveryIds: [id] });
    expect(replay).toMatchObject({ status: 200, body: { replayed: 1, deliveryIds: [id], outOfOrder: [] } });
    await h.waitForStatus([id], 'delivered');
    expect((await h.row(other)).status).toBe('dead');
    expect((await h.attempts(id)).map((a) => a.outcome)).toEqual(['retry', 'retry', 'retry', 'delivered']);
    expect((await h.http('GET', '/v1/destinations/d-dlq/dlq')).body.items.map((i: { deliveryId: string }) => i.deliveryId)).toEqual([
      other,
    ]);

    expect((await h.http('POST', '/v1/destinations/d-dlq/dlq/replay', {})).body.replayed).toBe(1);
    await h.waitForStatus([other], 'delivered');
    expect((await h.http('GET', '/v1/destinations/nope/dlq')).status).toBe(404);
    expect((await h.http('POST', '/v1/destinations/nope/dlq/replay', {})).status).toBe(404);
    expect((await h.http('POST', '/v1/destinations/d-dlq/dlq/replay', { deliveryIds: [] })).status).toBe(400);
  });

  it("a replayed delivery goes out after its profile's later deliveries, and the replay says so (outOfOrder)", async () => {
    let healthy = false;
    receiver.respond('/late', () => (healthy ? { status: 200 } : { status: 503 }));
    await h.destination('d-late', { url: receiver.url('/late'), maxAttempts: 1 });
    const [add] = await h.enqueue('d-late', [{ profileId: 'p1', action: 'add' }]);
    await h.waitForStatus([add], 'dead');
    healthy = true;
    // the dead add no longer holds p1 back: the exit that followed it is delivered
    const [remove] = await h.enqueue('d-late', [{ profileId: 'p1', action: 'remove' }]);
    await h.waitForStatus([remove], 'delivered');

    const replay = await h.http('POST', '/v1/destinations/d-late/dlq/replay', {});
    expect(replay.body).toMatchObject({ replayed: 1, deliveryIds: [add], outOfOrder: [add] });
    await h.waitForStatus([add], 'delivered');
    const taken = receiver
      .requests('/late')
      .filter((r) => r.status === 200)
      .flatMap((r) => r.items.map((i) => i.action));
    expect(taken).toEqual(['remove', 'add']); // the destination now holds p1 although p1 left: replay with care
  });

  it('sends deliveries past their max age to the DLQ even when never attempted (here: a destination without a working adapter)', async () => {
    await h.destination('d-broken', { url: receiver.url('/never'), maxAgeSeconds: 600, kind: 'carrier_pigeon' });
    const [id, held] = await h.enqueue('d-broken', [{ profileId: 'p1' }, { profileId: 'p2' }]);
    // `held` as a worker that died mid-send leaves it: leased once, its attempt in flight
    await h.schema.pool.query(
      `UPDATE deliveries SET attempts = 1, batch_id = 'b-dead', lease_token = 'dead-worker', lease_until = to_timestamp($2)
        WHERE delivery_id = $1`,
      [held, h.clock.now() / 1000 + 30],
    );
    await h.schema.pool.query(
      `INSERT INTO delivery_attempts (delivery_id, attempt, batch_id, started_at, finished_at, outcome)
       VALUES ($1, 1, 'b-dead', to_timestamp($2), to_timestamp($2), 'in_flight')`,
      [held, h.clock.now() / 1000],
    );
    const status = await eventually(async () => {
      const res = await h.http('GET', '/v1/destinations/d-broken/status');
      return res.body.worker.error ? res.body : undefined;
    });
    expect(status.worker).toMatchObject({ running: false, error: expect.stringMatching(/^the carrier_pigeon adapter could not be built/) });
    expect(status.counts.pending).toBe(2);

    h.clock.advance(601_000);
    await h.waitForStatus([id, held], 'dead');
    expect((await h.row(id)).reason).toBe('gave up after 600 s (max age), 0 attempt(s)');
    expect((await h.row(held)).reason).toBe('gave up after 600 s (max age), 1 attempt(s)');
    // the dead worker's attempt is closed, not left in flight in the delivery log
    expect((await h.attempts(held)).map((a) => [a.attempt, a.outcome, a.error])).toEqual([[1, 'abandoned', ABANDONED]]);
    expect(receiver.requests('/never')).toHaveLength(0);
    const dlq = (await h.http('GET', '/v1/destinations/d-broken/dlq')).body.items.map((i: { deliveryId: string }) => i.deliveryId);
    expect(dlq.sort()).toEqual([id, held].sort());
  });

  it('a row withdrawn while a worker that then died was sending it ends suppressed, its attempt closed as abandoned', async () => {
    await h.destination('d-withdrawn', { url: receiver.url('/withdrawn') });
    // as the dead worker and the consent change left it: leased once and in flight, then withdrawn; the lease ran out
    const [id] = await holdingClaims('d-withdrawn', async (tx) => {
      const ids = await h.enqueue('d-withdrawn', [{ profileId: 'p1' }]);
      await tx.query(
        `UPDATE deliveries SET attempts = 1, batch_id = 'b-withdrawn', lease_token = 'dead-worker', lease_until = to_timestamp($2),
                withdrawn_reason = 'removed: consent marketing withdrawn'
          WHERE delivery_id = $1`,
        [ids[0], h.clock.now() / 1000 - 1],
      );
      await tx.query(
        `INSERT INTO delivery_attempts (delivery_id, attempt, batch_id, started_at, finished_at, outcome)
         VALUES ($1, 1, 'b-withdrawn', to_timestamp($2), to_timestamp($2), 'in_flight')`,
        [ids[0], h.clock.now() / 1000 - 60],
      );
      return ids;
    });

    await h.waitForStatus([id], 'suppressed');
    expect((await h.row(id)).reason).toBe('removed: consent marketing withdrawn');
    expect((await h.attempts(id)).map((a) => [a.attempt, a.outcome, a.error])).toEqual([[1, 'abandoned', ABANDONED]]);
    expect(receiver.requests('/withdrawn')).toHaveLength(0);
  });

  it('serves the DLQ and the status to the admin token only, even for reads', async () => {
    for (const path of ['/v1/destinations/d-dlq/dlq', '/v1/destinations/d-dlq/status']) {
      expect((await h.http('GET', path, undefined, READ_TOKEN)).status).toBe(403);
      expect((await h.http('GET', path, undefined, 'wrong')).status).toBe(401);
    }
    expect((await h.http('GET', '/v1/destinations/nope/status')).status).toBe(404);
  });
});
