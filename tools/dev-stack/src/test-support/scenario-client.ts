import { eventually } from '@tessera/testing';

/** A JSON answer as the public APIs give it; scenario assertions read it loosely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface HttpAnswer {
  status: number;
  body: Json;
}

export interface ScenarioUrls {
  gateway: string;
  validation: string;
  resolver: string;
  merger: string;
}

export interface CreatedSource {
  id: string;
  writeKey: string;
}

const DEFAULT_WAIT_MS = 30_000;

/**
 * What a scenario may do to the pipeline, all through the services' public HTTP APIs: send Segment calls and
 * connector records to the gateway with a write key, configure sources and priorities with the admin token,
 * and read profiles, timelines and merge explanations back.
 */
export class ScenarioClient {
  /** `urls` is read at each request, so a client can be made before the pipeline it talks to has started. */
  constructor(
    private readonly urlsOf: () => ScenarioUrls,
    private readonly adminToken: string,
    /** Reads (GET) go with this token when given, so scenarios exercise the read-only token; else the admin token. */
    private readonly readToken?: string,
  ) {}

  private get urls(): ScenarioUrls {
    return this.urlsOf();
  }

  /** A service's base URL, for calls the methods below do not make (raw bodies, odd URLs). */
  urlOf(service: keyof ScenarioUrls): string {
    return this.urls[service];
  }

  /** POST /v1/<call> (track, identify, page, batch...) authenticated the Segment way (write key as Basic user). */
  async send(writeKey: string, call: string, body: Json): Promise<void> {
    const answer = await this.request(
      'POST',
      `${this.urls.gateway}/v1/${call}`,
      body,
      `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
    );
    if (answer.status !== 200) throw new Error(`gateway answered ${answer.status} to /v1/${call}: ${JSON.stringify(answer.body)}`);
  }

  /** POST /v1/records with a source's write key; answers the number of records accepted. */
  async sendRecords(writeKey: string, body: Json): Promise<number> {
    await this.send(writeKey, 'records', body);
    return body.records.length;
  }

  async createSource(name: string): Promise<CreatedSource> {
    const answer = await this.admin('POST', `${this.urls.gateway}/v1/sources`, { name });
    if (answer.status !== 201 && answer.status !== 200)
      throw new Error(`creating source ${name}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return { id: answer.body.source.id, writeKey: answer.body.writeKey };
  }

  /** Merger admin: a source's priority (1 is highest) and its field-level overrides. */
  async setSourcePriority(sourceId: string, priority: number, fields: Record<string, number> = {}): Promise<void> {
    const answer = await this.admin('PUT', `${this.urls.merger}/v1/priorities/sources/${encodeURIComponent(sourceId)}`, {
      priority,
      fields,
    });
    if (answer.status !== 200) throw new Error(`setting priority of ${sourceId}: ${answer.status} ${JSON.stringify(answer.body)}`);
  }

  /** Merger admin: PUT /v1/currency-rates (reporting currency and dated rates); answers the rate table. */
  async putCurrencyRates(body: Json): Promise<Json> {
    const answer = await this.admin('PUT', `${this.urls.merger}/v1/currency-rates`, body);
    if (answer.status !== 200) throw new Error(`currency rates: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  profile(profileId: string): Promise<HttpAnswer> {
    return this.request('GET', `${this.urls.merger}/v1/profiles/${encodeURIComponent(profileId)}`);
  }

  profileByIdentifier(type: string, value: string): Promise<HttpAnswer> {
    return this.request('GET', `${this.urls.merger}/v1/profiles?identifier=${encodeURIComponent(`${type}:${value}`)}`);
  }

  /** Merger: an account (Segment group) by groupId: the group's latest traits and its member profiles. */
  account(groupId: string): Promise<HttpAnswer> {
    return this.request('GET', `${this.urls.merger}/v1/accounts/${encodeURIComponent(groupId)}`);
  }

  /** GET /v1/profiles?<query> with the query exactly as typed (e.g. an unencoded `+` of a phone, as curl users send it). */
  profileByRawQuery(query: string): Promise<HttpAnswer> {
    return this.request('GET', `${this.urls.merger}/v1/profiles?${query}`);
  }

  async timeline(profileId: string, limit = 100): Promise<Json[]> {
    const answer = await this.request('GET', `${this.urls.merger}/v1/profiles/${encodeURIComponent(profileId)}/events?limit=${limit}`);
    if (answer.status !== 200) throw new Error(`timeline of ${profileId}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body.events;
  }

  /** Resolver: why this is one person (merges, splits, dropped identifiers). */
  async merges(profileId: string): Promise<Json> {
    const answer = await this.request('GET', `${this.urls.resolver}/v1/profiles/${encodeURIComponent(profileId)}/merges`);
    if (answer.status !== 200) throw new Error(`merges of ${profileId}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  /** Resolver: the identifiers of a profile (an absorbed id answers with its survivor's). */
  async resolverIdentifiers(profileId: string): Promise<Json[]> {
    const answer = await this.request('GET', `${this.urls.resolver}/v1/profiles/${encodeURIComponent(profileId)}/identifiers`);
    if (answer.status !== 200) throw new Error(`identifiers of ${profileId}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body.identifiers;
  }

  identity(type: string, value: string): Promise<HttpAnswer> {
    return this.request('GET', `${this.urls.resolver}/v1/identities?identifier=${encodeURIComponent(`${type}:${value}`)}`);
  }

  split(profileId: string, identifiers: string[], reason: string): Promise<HttpAnswer> {
    return this.admin('POST', `${this.urls.resolver}/v1/profiles/${encodeURIComponent(profileId)}/split`, { identifiers, reason });
  }

  /** Resolver admin: values that stopped linking (shared devices, family emails), newest first. */
  async suspectValues(): Promise<Json[]> {
    const answer = await this.admin('GET', `${this.urls.resolver}/v1/suspect-values?limit=1000`);
    if (answer.status !== 200) throw new Error(`suspect values: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body.suspectValues;
  }

  /** Validation admin: stored rejections of a source, newest first. */
  async rejections(sourceId: string): Promise<Json[]> {
    const answer = await this.admin('GET', `${this.urls.validation}/v1/rejections?sourceId=${encodeURIComponent(sourceId)}&limit=500`);
    if (answer.status !== 200) throw new Error(`rejections: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body.rejections;
  }

  /** Polls the merger until the profile holding `type:value` satisfies `ready`, then answers it. */
  waitForProfile(type: string, value: string, ready: (profile: Json) => boolean, timeoutMs = DEFAULT_WAIT_MS): Promise<Json> {
    let last: HttpAnswer | undefined;
    return eventually(
      async () => {
        last = await this.profileByIdentifier(type, value);
        return last.status === 200 && ready(last.body) ? last.body : undefined;
      },
      timeoutMs,
      `the profile holding ${type}:${value} (last answer ${JSON.stringify(last)})`,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last answer: ${JSON.stringify(last)}`);
    });
  }

  /** Validation admin: PUT /v1/tracking-plans/:sourceId (creates or replaces the source's plan). */
  async putTrackingPlan(sourceId: string, plan: Json): Promise<void> {
    const answer = await this.admin('PUT', `${this.urls.validation}/v1/tracking-plans/${encodeURIComponent(sourceId)}`, plan);
    if (answer.status !== 200 && answer.status !== 201)
      throw new Error(`tracking plan of ${sourceId}: ${answer.status} ${JSON.stringify(answer.body)}`);
  }

  /** Validation admin: PUT /v1/sources/:sourceId/settings (default phone region, test-traffic rules). */
  async putSourceSettings(sourceId: string, settings: Json): Promise<void> {
    const answer = await this.admin('PUT', `${this.urls.validation}/v1/sources/${encodeURIComponent(sourceId)}/settings`, settings);
    if (answer.status !== 200 && answer.status !== 201)
      throw new Error(`settings of ${sourceId}: ${answer.status} ${JSON.stringify(answer.body)}`);
  }

  /** Validation admin: re-publishes stored rejections (by ids or by filter) to their original topic. */
  async replayRejections(selection: Json): Promise<{ replayed: number; rejectionIds: string[] }> {
    const answer = await this.admin('POST', `${this.urls.validation}/v1/rejections/replay`, selection);
    if (answer.status !== 200 && answer.status !== 201) throw new Error(`replay: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  /** Resolver admin: PUT /v1/identity-rules/:type. */
  async putIdentityRule(type: string, rule: Json): Promise<void> {
    const answer = await this.admin('PUT', `${this.urls.resolver}/v1/identity-rules/${encodeURIComponent(type)}`, rule);
    if (answer.status !== 200) throw new Error(`identity rule ${type}: ${answer.status} ${JSON.stringify(answer.body)}`);
  }

  /** Polls `list` (an admin listing) until an entry matches, and answers it. */
  waitForMatch(list: () => Promise<Json[]>, match: (entry: Json) => boolean, timeoutMs = DEFAULT_WAIT_MS): Promise<Json> {
    return eventually(async () => (await list()).find(match), timeoutMs, 'a matching entry');
  }

  /** Polls the merger's GET /v1/profiles/:id until `ready`. */
  waitForProfileId(profileId: string, ready: (profile: Json) => boolean, timeoutMs = DEFAULT_WAIT_MS): Promise<Json> {
    let last: HttpAnswer | undefined;
    return eventually(
      async () => {
        last = await this.profile(profileId);
        return last.status === 200 && ready(last.body) ? last.body : undefined;
      },
      timeoutMs,
      `profile ${profileId}`,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last answer: ${JSON.stringify(last)}`);
    });
  }

  private admin(method: string, url: string, body?: Json): Promise<HttpAnswer> {
    return this.request(method, url, body, `Bearer ${this.adminToken}`);
  }

  private async request(
    method: string,
    url: string,
    body?: Json,
    authorization = `Bearer ${this.readToken ?? this.adminToken}`,
  ): Promise<HttpAnswer> {
    const headers: Record<string, string> = { authorization };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed: Json = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text for the error message
    }
    return { status: res.status, body: parsed };
  }
}
