import { eventually } from '@tessera/testing';
import type { Json } from './scenario-client';
import { SCENARIO_ADMIN_TOKEN } from './scenario-suite';

const RUN_WAIT_MS = 60_000;

/** The connectors service's admin API (connections, runs) as a scenario drives it, with the admin token. */
export class ConnectorsApi {
  constructor(private readonly baseUrl: () => string) {}

  async createConnection(body: Json): Promise<Json> {
    const answer = await this.request('POST', '/v1/connections', body);
    if (answer.status !== 201 && answer.status !== 200)
      throw new Error(`creating connection: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  /** POST /v1/connections/:id/runs, then polls the run until it has ended; answers the finished run. */
  async runToEnd(connectionId: string, body: Json = {}): Promise<Json> {
    const started = await this.request('POST', `/v1/connections/${encodeURIComponent(connectionId)}/runs`, body);
    if (started.status !== 201) throw new Error(`starting a run of ${connectionId}: ${started.status} ${JSON.stringify(started.body)}`);
    let last: Json;
    return eventually(
      async () => {
        last = (await this.request('GET', `/v1/runs/${encodeURIComponent(started.body.id)}`)).body;
        return ['succeeded', 'failed', 'cancelled'].includes(last?.state) ? last : undefined;
      },
      RUN_WAIT_MS,
      `run ${started.body.id} of ${connectionId} to end`,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last answer: ${JSON.stringify(last)}`);
    });
  }

  async run(runId: string): Promise<Json> {
    return (await this.request('GET', `/v1/runs/${encodeURIComponent(runId)}`)).body;
  }

  /** The rows a full refresh no longer saw (the first page). */
  async disappeared(runId: string): Promise<Json> {
    return (await this.request('GET', `/v1/runs/${encodeURIComponent(runId)}/disappeared`)).body;
  }

  private async request(method: string, path: string, body?: Json): Promise<{ status: number; body: Json }> {
    const headers: Record<string, string> = { authorization: `Bearer ${SCENARIO_ADMIN_TOKEN}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.baseUrl()}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }
}
