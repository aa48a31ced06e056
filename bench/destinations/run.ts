// Adapter throughput on this machine, against local receivers: `node tools/run-ts.js bench/destinations/run.ts`.
// Measures only the adapter side (signing, JSON, hashing, file writes); the dispatcher's queues are not involved.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDestinationCatalog, type DeliveryBatch, type DeliveryItem, type DestinationAdapter } from '@tessera/destinations';

const item = (n: number): DeliveryItem => ({
  deliveryId: `dlv-${n}`,
  profileId: `prof-${n}`,
  action: 'add',
  segmentId: 'seg-1',
  syncId: 'sync-1',
  occurredAt: new Date().toISOString(),
  identifiers: { email: [`Person.${n}@Example.com`], phone: [`+1 650 555 ${String(n % 10_000).padStart(4, '0')}`] },
  fields: { plan: 'pro', ltv: n, city: 'Lisbon' },
});

async function receiver(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"num_received":1,"num_invalid_entries":0}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(() => r())) };
}

async function measure(name: string, adapter: DestinationAdapter, total: number, batchSize: number, concurrency: number): Promise<void> {
  const batches: DeliveryBatch[] = [];
  for (let i = 0; i < total; i += batchSize)
    batches.push({ batchId: `b-${i}`, destinationId: 'bench', items: Array.from({ length: batchSize }, (_, k) => item(i + k)) });
  const latencies: number[] = [];
  const signal = new AbortController().signal;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < batches.length) {
        const batch = batches[next++];
        const t0 = performance.now();
        const result = await adapter.send(batch, { signal });
        if (result.outcome !== 'delivered') throw new Error(`${name}: ${JSON.stringify(result)}`);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(1);
  console.log(
    `${name.padEnd(42)} ${Math.round(total / seconds)
      .toLocaleString('en')
      .padStart(8)} deliveries/s   batch p50 ${p(0.5)} ms  p99 ${p(0.99)} ms`,
  );
  await adapter.close?.();
}

async function main(): Promise<void> {
  const catalog = createDestinationCatalog();
  const rx = await receiver();
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-files-'));
  try {
    const signingSecret = `whsec_${randomBytes(32).toString('base64')}`;
    const webhook = () =>
      catalog.create({
        destinationId: 'w',
        kind: 'webhook',
        config: { url: `${rx.url}/hook`, batchSize: 100 },
        secrets: { signingSecret },
      });
    await measure('warm-up', webhook(), 5_000, 100, 4);
    await measure('webhook, batch 100, 1 in flight', webhook(), 50_000, 100, 1);
    await measure('webhook, batch 100, 4 in flight', webhook(), 50_000, 100, 4);
    await measure(
      'file ndjson (fsync per batch), batch 100',
      catalog.create({ destinationId: 'f', kind: 'file', config: { directory: dir, format: 'ndjson' }, secrets: {} }),
      50_000,
      100,
      4,
    );
    const meta = catalog.create({
      destinationId: 'm',
      kind: 'meta_audience',
      config: { audienceId: '1', baseUrl: rx.url, defaultCountry: 'US' },
      secrets: { accessToken: 'EAAB-bench-token' },
    });
    await measure('meta (hash email + phone), batch 10,000', meta, 50_000, 10_000, 1);
  } finally {
    await rx.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
