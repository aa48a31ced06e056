import { eventually } from '@tessera/testing';
import { DeliveryHarness } from '../test-support/delivery-harness';
import { ScriptedReceiver } from '../test-support/scripted-receiver';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** One destination hangs; another keeps its normal latency (each destination has its own lane, slots and breaker). */
describe('delivery isolation (embedded Postgres, real HTTP destinations)', () => {
  const h = new DeliveryHarness();
  let receiver: ScriptedReceiver;

  beforeAll(async () => {
    receiver = await ScriptedReceiver.start();
    await h.start('act_isolation');
  });

  afterAll(async () => {
    await h.stop();
    await receiver?.close();
  });

  /** Sends `n` deliveries to d-fast one after the other; answers each one's latency from queueing to the receiver. */
  async function fastLatencies(n: number, tag: string): Promise<number[]> {
    const latencies: number[] = [];
    for (let i = 0; i < n; i++) {
      const queuedAt = Date.now();
      const [id] = await h.enqueue('d-fast', [{ profileId: `${tag}-${i}` }]);
      const request = await eventually(
        async () => receiver.requests('/fast').find((r) => r.items.some((item) => item.deliveryId === id)),
        10_000,
        `delivery ${id}`,
      );
      latencies.push(request.at - queuedAt);
    }
    return latencies;
  }

  it("keeps a healthy destination's latency while another one hangs, and opens the hanging one's breaker", async () => {
    receiver.respond('/hang', () => 'hang');
    receiver.respond('/fast', () => ({ status: 200 }));
    await h.destination('d-fast', { url: receiver.url('/fast') });
    await h.destination('d-hang', { url: receiver.url('/hang'), concurrency: 2, batchSize: 10 });

    const baseline = await fastLatencies(20, 'before');
    await h.enqueue(
      'd-hang',
      Array.from({ length: 200 }, (_, i) => ({ profileId: `h${i}` })),
    );
    await eventually(async () => (receiver.requests('/hang').length >= 2 ? true : undefined), 10_000, 'd-hang holding both its slots');
    const during = await fastLatencies(40, 'during');

    const figures = {
      baselineP50: percentile(baseline, 50),
      baselineMax: Math.max(...baseline),
      hangingP50: percentile(during, 50),
      hangingP95: percentile(during, 95),
      hangingMax: Math.max(...during),
    };
    console.log(`delivery isolation: d-fast latency (queued -> received, ms) ${JSON.stringify(figures)}`);
    expect(figures.hangingP95).toBeLessThan(1_000);
    expect(figures.hangingP50).toBeLessThan(figures.baselineP50 + 250);

    // five timed-out attempts (2 s each, two at a time) open d-hang's breaker; its deliveries wait, none is lost
    const status = await eventually(
      async () => {
        const res = await h.http('GET', '/v1/destinations/d-hang/status');
        return res.body.worker.breaker === 'open' ? res.body : undefined;
      },
      30_000,
      "d-hang's breaker open",
    );
    expect(receiver.maxConcurrent('/hang')).toBe(2); // its concurrency limit: the rest of its queue waited
    expect(status.lastError).toMatchObject({ kind: 'retry' });
    expect(status.lastError.message).toMatch(/timed out/);
    expect(status.counts.pending).toBe(200);
    expect(status.queue.depth).toBe(200);
    const metrics = await (await fetch(`${h.service.url}/metrics`)).text();
    expect(metrics).toMatch(/tessera_activation_dispatcher_breaker_state\{[^}]*destination="d-hang"[^}]*\} 1/);
    expect(metrics).toMatch(/tessera_activation_dispatcher_deliveries_sent_total\{[^}]*destination="d-fast"[^}]*\} 60/);
    expect(metrics).toMatch(/tessera_activation_dispatcher_send_attempts_total\{[^}]*destination="d-hang",outcome="timeout"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/tessera_activation_dispatcher_send_duration_seconds_count\{[^}]*destination="d-fast"[^}]*\} 60/);
    expect(metrics).toMatch(/tessera_activation_dispatcher_queue_depth_deliveries\{[^}]*destination="d-hang"[^}]*\} 200/);
  }, 60_000);

  it('opens the breaker of a destination that keeps failing, then lets a test call through and resumes when it recovers', async () => {
    let healthy = false;
    receiver.respond('/flaky', () => (healthy ? { status: 200 } : { status: 503 }));
    await h.destination('d-flaky', { url: receiver.url('/flaky'), concurrency: 1, batchSize: 1 });
    const ids = await h.enqueue(
      'd-flaky',
      Array.from({ length: 20 }, (_, i) => ({ profileId: `f${i}` })),
    );

    await eventually(
      async () => ((await h.http('GET', '/v1/destinations/d-flaky/status')).body.worker.breaker === 'open' ? true : undefined),
      10_000,
      'breaker open',
    );
    // while open, no calls: the next one is the half-open test call, a breakerHalfOpenMs (500 ms) later; it fails, so it opens again
    const probe = await eventually(async () => receiver.requests('/flaky')[5], 10_000, 'the half-open test call');
    expect(probe.at - receiver.requests('/flaky')[4].at).toBeGreaterThanOrEqual(450);
    healthy = true;
    await h.waitForStatus(ids, 'delivered');
    const status = (await h.http('GET', '/v1/destinations/d-flaky/status')).body;
    expect(status.worker.breaker).toBe('closed');
    expect(status.lastSuccessAt).not.toBeNull();
    const failed = receiver.requests('/flaky').filter((r) => r.status === 503);
    for (let i = 5; i < failed.length; i++) expect(failed[i].at - failed[i - 1].at).toBeGreaterThanOrEqual(450);
  });

  it('paces a destination to its rate limit (send calls per second)', async () => {
    receiver.respond('/paced', () => ({ status: 200 }));
    await h.destination('d-paced', { url: receiver.url('/paced'), ratePerSecond: 5, batchSize: 1 });
    const ids = await h.enqueue(
      'd-paced',
      Array.from({ length: 10 }, (_, i) => ({ profileId: `r${i}` })),
    );
    await h.waitForStatus(ids, 'delivered');
    const times = receiver.requests('/paced').map((r) => r.at);
    // a burst of 5, then one every 200 ms: the i-th send no sooner than (i - 4) refills after the first (slack: the
    // bucket was full a poll before the first send, whose connection set-up also delays it)
    for (let i = 5; i < 10; i++) expect(times[i] - times[0]).toBeGreaterThanOrEqual((i - 4) * 200 - 200);
    expect(times[9] - times[0]).toBeLessThan(3_000);
  });
});
