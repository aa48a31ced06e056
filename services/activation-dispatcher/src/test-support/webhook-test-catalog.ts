import type { DeliveryBatch, DestinationAdapter, DestinationCatalog, SendResult } from '@tessera/destinations';

/**
 * A stand-in catalog for the delivery tests until libs/destinations' adapters land: one `webhook` kind whose adapter
 * POSTs `{batchId, items}` as JSON to `config.url` with the batch id as Idempotency-Key and webhook-id, and reads the
 * answer the way a real adapter does (2xx delivered; 207 `{rejected, retry}` partial; 401/403 auth; 408, 429 and 5xx
 * retry with Retry-After; other 4xx terminal).
 */
export function createWebhookTestCatalog(): DestinationCatalog {
  return {
    kinds: ['webhook'],
    validate: (kind, config) => (kind === 'webhook' && typeof (config as { url?: unknown })?.url === 'string' ? [] : [{ path: 'config.url', message: 'a url is required' }]),
    create: (spec) => {
      if (spec.kind !== 'webhook') throw new Error(`the test catalog has no ${spec.kind} adapter`);
      return testWebhookAdapter(String(spec.config.url), Number(spec.config.batchSize ?? 100));
    },
  };
}

function testWebhookAdapter(url: string, maxBatchSize: number): DestinationAdapter {
  return {
    kind: 'webhook',
    maxBatchSize,
    async send(batch: DeliveryBatch, { signal }): Promise<SendResult> {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': batch.batchId, 'webhook-id': batch.batchId },
        body: JSON.stringify({ batchId: batch.batchId, items: batch.items }),
        signal,
      });
      const text = await res.text();
      const status = res.status;
      if (status === 207) {
        const body = JSON.parse(text) as { rejected?: Array<{ deliveryId: string; error: string }>; retry?: string[] };
        return { outcome: 'partial', status, rejected: body.rejected ?? [], retry: body.retry ?? [] };
      }
      if (status >= 200 && status < 300) return { outcome: 'delivered', status };
      const error = `HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`;
      if (status === 401 || status === 403) return { outcome: 'auth_failed', status, error };
      if (status === 408 || status === 429 || status >= 500) return { outcome: 'retry', status, error, retryAfterMs: retryAfterMs(res.headers.get('retry-after')) };
      return { outcome: 'terminal', status, error };
    },
  };
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
