import { Webhook } from 'standardwebhooks';
import type { DeliveryBatch, DestinationAdapter, SendContext, SendResult } from '../destination';
import type { DestinationDeps } from '../catalog/destination-kind';
import { httpCall, isHttpReply } from '../http/http-call';
import { classifyHttpReply } from '../http/http-reply';
import { WEBHOOK_DEFAULTS, type WebhookConfig, type WebhookSecrets } from './webhook-config';
import { webhookBody } from './webhook-body';

/**
 * POSTs a batch as JSON, signed the Standard Webhooks way: webhook-id is the batch id (so is Idempotency-Key),
 * webhook-timestamp the attempt's Unix seconds, webhook-signature `v1,<base64 HMAC-SHA256 of id.timestamp.body>`.
 * Signing uses the reference `standardwebhooks` package, the same code receivers verify with.
 */
export class WebhookAdapter implements DestinationAdapter {
  readonly kind = 'webhook' as const;
  readonly maxBatchSize: number;
  private readonly signer: Webhook;
  private readonly timeoutMs: number;

  constructor(
    private readonly config: WebhookConfig,
    private readonly secrets: WebhookSecrets,
    private readonly deps: DestinationDeps,
  ) {
    this.maxBatchSize = config.batchSize ?? WEBHOOK_DEFAULTS.batchSize;
    this.timeoutMs = config.timeoutMs ?? WEBHOOK_DEFAULTS.timeoutMs;
    this.signer = new Webhook(secrets.signingSecret);
  }

  async send(batch: DeliveryBatch, context: SendContext): Promise<SendResult> {
    const now = this.deps.now();
    const body = JSON.stringify(webhookBody(batch, now));
    const reply = await httpCall(this.deps.fetch, {
      url: this.config.url,
      method: 'POST',
      headers: this.headers(batch.batchId, now, body),
      body,
      timeoutMs: this.timeoutMs,
      signal: context.signal,
    });
    return isHttpReply(reply) ? classifyHttpReply(reply, this.deps.now()) : reply;
  }

  private headers(batchId: string, nowMs: number, body: string): Record<string, string> {
    const at = new Date(nowMs);
    return {
      ...this.config.headers,
      'content-type': 'application/json',
      'user-agent': 'Tessera-Webhooks/1',
      'webhook-id': batchId,
      'webhook-timestamp': String(Math.floor(nowMs / 1000)),
      'webhook-signature': this.signer.sign(batchId, at, body),
      'idempotency-key': batchId,
      ...(this.secrets.bearerToken ? { authorization: `Bearer ${this.secrets.bearerToken}` } : {}),
    };
  }
}
