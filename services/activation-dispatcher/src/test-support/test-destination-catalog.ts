import type { ConfigProblem, DeliveryBatch, DestinationAdapter, DestinationCatalog, DestinationSpec, SendContext, SendResult } from '@tessera/destinations';

/**
 * A small real catalog for tests until libs/destinations' adapters are wired: kind `webhook` POSTs each batch as
 * JSON to config.url with `Authorization: Bearer <secrets.token>`, and lists an audience from config.url/members
 * when config.listable is true. No mocks: it talks HTTP to a TestReceiver.
 */
export function testDestinationCatalog(): DestinationCatalog {
  return {
    kinds: ['webhook'],
    validate(kind: string, config: unknown, secrets: unknown): ConfigProblem[] {
      const problems: ConfigProblem[] = [];
      const c = (config ?? {}) as Record<string, unknown>;
      if (typeof c.url !== 'string' || !/^https?:\/\//.test(c.url)) problems.push({ path: '$.config.url', message: 'must be an http(s) URL' });
      if (c.listable !== undefined && typeof c.listable !== 'boolean') problems.push({ path: '$.config.listable', message: 'must be a boolean' });
      const token = (secrets as Record<string, unknown> | null)?.token;
      if (token !== undefined && typeof token !== 'string') problems.push({ path: '$.secrets.token', message: 'must be a string' });
      return kind === 'webhook' ? problems : [{ path: '$.kind', message: `unknown kind ${kind}` }];
    },
    create(spec: DestinationSpec): DestinationAdapter {
      return new TestWebhookAdapter(spec);
    },
  };
}

class TestWebhookAdapter implements DestinationAdapter {
  readonly kind = 'webhook' as const;
  readonly maxBatchSize = 1000;
  readonly listMembers?: (audienceKey: string, context: SendContext) => Promise<string[]>;

  constructor(private readonly spec: DestinationSpec) {
    if (spec.config.listable === true) this.listMembers = (key, context) => this.list(key, context);
  }

  async send(batch: DeliveryBatch, context: SendContext): Promise<SendResult> {
    const res = await fetch(String(this.spec.config.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': batch.batchId, authorization: `Bearer ${this.spec.secrets.token ?? ''}` },
      body: JSON.stringify(batch),
      signal: context.signal,
    });
    const text = await res.text();
    if (res.ok) return { outcome: 'delivered', status: res.status };
    if (res.status === 401 || res.status === 403) return { outcome: 'auth_failed', status: res.status, error: `${res.status}: ${text}` };
    if (res.status >= 500 || res.status === 408 || res.status === 429) return { outcome: 'retry', status: res.status, error: text };
    return { outcome: 'terminal', status: res.status, error: text };
  }

  private async list(audienceKey: string, context: SendContext): Promise<string[]> {
    const res = await fetch(`${String(this.spec.config.url)}/members?audience=${encodeURIComponent(audienceKey)}`, { signal: context.signal });
    return ((await res.json()) as { members: string[] }).members;
  }
}
