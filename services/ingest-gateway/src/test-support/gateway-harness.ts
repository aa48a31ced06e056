import type { Pool } from 'pg';
import { startServiceForTest, type RunningService } from '@tessera/service-kit';
import { AppModule } from '../app.module';
import { loadGatewaySettings } from '../config/gateway-settings';

// Tests read deep into answers; a loose type keeps them short.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LooseJson = any;

export const ADMIN_TOKEN = 'gateway-test-admin-token';

export function basicAuth(writeKey: string): string {
  return `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
}

export interface CreatedSource {
  source: { id: string; name: string; enabled: boolean; rateLimit: { eventsPerSecond: number; burst: number } | null };
  writeKey: string;
}

/** What libs/testing's createTestSchema gives (this file is not a spec, so it may not import libs/testing). */
export interface HarnessSchema {
  url: string;
  schema: string;
  pool: Pool;
  drop(): Promise<void>;
}

/** The raw topics the gateway produces to; specs create them on their broker (createTestTopics). */
export const RAW_TOPICS = ['cdp.events.raw', 'cdp.records.raw'];

/** The gateway on port 0 with its own schema, against a broker whose raw topics exist. */
export class GatewayHarness {
  service!: RunningService;

  constructor(
    readonly brokers: string[],
    readonly schema: HarnessSchema,
  ) {}

  get url(): string {
    return this.service.url;
  }

  async start(env: Record<string, string> = {}, logLevel: 'warn' | 'silent' = 'warn'): Promise<this> {
    Object.assign(process.env, env);
    this.service = await startServiceForTest(AppModule, 'ingest-gateway', {
      databaseUrl: this.schema.url,
      schema: this.schema.schema,
      kafkaBrokers: this.brokers.join(','),
      adminToken: ADMIN_TOKEN,
      logLevel,
      // As main.ts passes them: the gateway's own HTTP timeouts from its variables.
      httpTimeouts: loadGatewaySettings().http,
    });
    return this;
  }

  async stop(): Promise<void> {
    await this.service?.close();
    await this.schema?.drop();
  }

  async admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: LooseJson }> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: await res.json() };
  }

  async createSource(name: string, rateLimit?: { eventsPerSecond: number; burst: number }): Promise<CreatedSource> {
    const { status, json } = await this.admin('POST', '/v1/sources', { name, ...(rateLimit ? { rateLimit } : {}) });
    if (status !== 201) throw new Error(`create source answered ${status}: ${JSON.stringify(json)}`);
    return json as CreatedSource;
  }

  async post(
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; json: LooseJson; headers: Headers }> {
    const res = await fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = { notJson: text };
    }
    return { status: res.status, json, headers: res.headers };
  }
}
