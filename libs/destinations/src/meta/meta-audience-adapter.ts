import type { DeliveryBatch, DestinationAdapter, SendContext, SendResult } from '../destination';
import type { DestinationDeps } from '../catalog/destination-kind';
import { AudienceOutcome, chunks, sendSplitting, type CallOutcome } from '../audience/audience-outcome';
import { httpCall, isHttpReply } from '../http/http-call';
import { classifyGraphReply } from './graph-api-error';
import { META_DEFAULTS, type MetaAudienceConfig, type MetaAudienceSecrets } from './meta-audience-config';
import { createHmac } from 'node:crypto';
import { metaRejections, metaRows, metaUsersForm, type MetaRow, type MetaUsersResponse } from './meta-payload';

/**
 * Meta Custom Audiences: adds (add, upsert) are POSTed and removes DELETEd on /{audience_id}/users, each call at most
 * 10,000 hashed rows. Meta cannot list an audience's hashed members, so there is no listMembers: mirror syncs diff
 * against what Tessera last sent.
 */
export class MetaAudienceAdapter implements DestinationAdapter {
  readonly kind = 'meta_audience' as const;
  readonly maxBatchSize: number;
  private readonly url: string;
  private readonly appsecretProof: string | undefined;

  constructor(
    private readonly config: MetaAudienceConfig,
    private readonly secrets: MetaAudienceSecrets,
    private readonly deps: DestinationDeps,
  ) {
    this.maxBatchSize = config.batchSize ?? META_DEFAULTS.maxBatchSize;
    const base = (config.baseUrl ?? META_DEFAULTS.baseUrl).replace(/\/+$/, '');
    this.appsecretProof = secrets.appSecret ? createHmac('sha256', secrets.appSecret).update(secrets.accessToken).digest('hex') : undefined;
    this.url = `${base}/${config.apiVersion ?? META_DEFAULTS.apiVersion}/${config.audienceId}/users`;
  }

  async send(batch: DeliveryBatch, context: SendContext): Promise<SendResult> {
    const outcome = new AudienceOutcome(batch.items.length);
    const { rows, rejected } = metaRows(batch.items, this.config.defaultCountry);
    outcome.reject(rejected);
    const byItem = new Map(rows.map((r) => [r.item, r]));
    const adds = rows.filter((r) => r.item.action !== 'remove').map((r) => r.item);
    const removes = rows.filter((r) => r.item.action === 'remove').map((r) => r.item);
    // Removes first: when two profiles of one person (a merge) are in one batch, the add decides what stays.
    for (const [method, items] of [
      ['DELETE', removes],
      ['POST', adds],
    ] as const) {
      for (const chunk of chunks(items, this.maxBatchSize)) {
        await sendSplitting(
          chunk,
          (part) =>
            this.call(
              method,
              part.map((i) => byItem.get(i)!),
              context,
            ),
          outcome,
        );
      }
    }
    return outcome.result();
  }

  private async call(method: 'POST' | 'DELETE', rows: MetaRow[], context: SendContext): Promise<CallOutcome> {
    const reply = await httpCall(this.deps.fetch, {
      url: this.url,
      method,
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${this.secrets.accessToken}` },
      body: metaUsersForm(rows, this.appsecretProof),
      timeoutMs: this.config.timeoutMs ?? META_DEFAULTS.timeoutMs,
      signal: context.signal,
    });
    if (!isHttpReply(reply)) return { kind: 'failed', result: reply };
    const result = classifyGraphReply(reply, this.deps.now());
    if (result.outcome !== 'delivered') return { kind: 'failed', result };
    const { rejected, note } = metaRejections(rows, parseJson(reply.bodyText));
    return { kind: 'done', rejected, status: reply.status, note };
  }
}

function parseJson(text: string): MetaUsersResponse {
  try {
    return JSON.parse(text) as MetaUsersResponse;
  } catch {
    return {};
  }
}
