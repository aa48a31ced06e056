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
  /** Only when the receiver can list an audience (config `membersUrl`). */
  readonly listMembers?: (audienceKey: string, context: SendContext) => Promise<string[]>;
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
    const membersUrl = config.membersUrl;
    if (membersUrl) this.listMembers = (audienceKey, context) => this.list(membersUrl, audienceKey, context);
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

  /** A mirror needs the truth or nothing: any answer but a 200 with a list of ids throws, and the mirror run fails. */
  private async list(membersUrl: string, audienceKey: string, context: SendContext): Promise<string[]> {
    const url = new URL(membersUrl);
    url.searchParams.set('audience', audienceKey);
    const headers = {
      ...this.config.headers,
      accept: 'application/json',
      ...(this.secrets.bearerToken ? { authorization: `Bearer ${this.secrets.bearerToken}` } : {}),
    };
    const reply = await httpCall(this.deps.fetch, {
      url: url.toString(),
      method: 'GET',
      headers,
      timeoutMs: this.timeoutMs,
      signal: context.signal,
    });
    if (!isHttpReply(reply)) throw new Error(`listing the receiver's members: ${'error' in reply ? reply.error : reply.outcome}`);
    if (reply.status !== 200) throw new Error(`listing the receiver's members: HTTP ${reply.status}`);
    const ids = (JSON.parse(reply.bodyText) as { profileIds?: unknown }).profileIds;
    if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string'))
      throw new Error(`listing the receiver's members: no "profileIds" array of strings in the answer`);
    return ids;
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
