import { defineConnector, type Cursor, type JsonSchema, type ReadMessage, type StreamDescriptor } from '@tessera/connector-sdk';
import { authHeaders } from './http-auth';
import { HTTP_CONFIG_SCHEMA, HTTP_DEFAULTS, retryPolicyOf, type HttpApiConfig, type HttpStreamConfig } from './http-config';
import { fetchJson, type FetchPolicy, type JsonResponse } from './fetch-json';
import {
  advance,
  compareCursorValues,
  cursorValueOf,
  incrementalPositionOf,
  isNewer,
  type CursorValue,
  type IncrementalPosition,
} from './incremental-cursor';
import { firstPageUrl, nextPageUrl } from './pagination';
import { rowKeyOf } from '../row-key';
import { extractRecords, valueAt } from './record-extraction';
import { inferSchema } from './schema-inference';

/**
 * Any JSON API that lists records page by page. A stream with a `cursorField` is incremental: its cursor is the
 * highest value emitted (plus the rows at that value), sent back as `sinceParam` and filtered again client-side.
 * A stream without one is re-read in full each run; its mid-run cursor is the next page's URL, so a crashed run
 * resumes where it stopped.
 */
export const httpApiConnector = defineConnector<HttpApiConfig>({
  name: 'http',
  configSchema: HTTP_CONFIG_SCHEMA,
  async check(config) {
    const [stream] = config.streams;
    // a check answers someone waiting at a form: one retry, not a run's patience
    const policy = policyOf(config);
    await fetchPage(config, firstUrl(config, stream, null), {
      ...policy,
      retry: { ...policy.retry, maxAttempts: Math.min(2, policy.retry.maxAttempts) },
    });
  },
  async discover(config) {
    return Promise.all(config.streams.map((stream) => describeStream(config, stream)));
  },
  read(config, stream, cursor, { signal }) {
    return readStream(config, streamNamed(config, stream), cursor, policyOf(config, signal));
  },
});

async function* readStream(
  config: HttpApiConfig,
  stream: HttpStreamConfig,
  cursor: Cursor,
  policy: FetchPolicy,
): AsyncIterable<ReadMessage> {
  const pagination = stream.pagination ?? { type: 'none' };
  let position = stream.cursorField ? incrementalPositionOf(cursor) : null;
  let previous: CursorValue | undefined;
  let url = firstUrl(config, stream, cursor);
  let first = true;
  for (;;) {
    const page = await fetchPage(config, url, policy);
    const records = extractRecords(page.body, stream.recordsPath);
    const total = stream.totalPath && first ? valueAt(page.body, stream.totalPath) : undefined;
    if (typeof total === 'number' && total >= 0) yield { type: 'estimate', total };
    first = false;
    let emitted = 0;
    for (const data of records) {
      const rowKey = rowKeyOf(data, stream.primaryKey);
      if (stream.cursorField) {
        const value = cursorValueOf(data, stream.cursorField);
        assertAscending(stream, previous, value);
        previous = value;
        if (!isNewer(position, value, rowKey)) continue;
        position = advance(position, value, rowKey);
      }
      emitted += 1;
      yield { type: 'record', stream: stream.name, data, rowKey };
    }
    const next = nextPageUrl(pagination, url, page, records.length);
    // After each page, covering its records: the highest value emitted, or (a full read) the page to go on from.
    if (stream.cursorField && emitted > 0) yield { type: 'checkpoint', cursor: positionCursor(position!) };
    if (!stream.cursorField) yield { type: 'checkpoint', cursor: next ? { nextUrl: next.toString() } : { completed: true } };
    if (!next) return;
    url = next;
  }
}

function firstUrl(config: HttpApiConfig, stream: HttpStreamConfig, cursor: Cursor): URL {
  const resume = !stream.cursorField && typeof cursor?.nextUrl === 'string' ? new URL(cursor.nextUrl) : null;
  // a cursor saved before baseUrl changed must not send the credentials to the old host
  if (resume && resume.origin === new URL(config.baseUrl).origin) return resume;
  const position = stream.cursorField ? incrementalPositionOf(cursor) : null;
  const url = firstPageUrl(config.baseUrl, stream.path, stream.query ?? {}, stream.pagination ?? { type: 'none' });
  if (position && stream.sinceParam) url.searchParams.set(stream.sinceParam, String(position.value));
  return url;
}

function fetchPage(config: HttpApiConfig, url: URL, policy: FetchPolicy): Promise<JsonResponse> {
  return fetchJson({ url: url.toString(), headers: { ...config.headers, ...authHeaders(config.auth) } }, policy);
}

function policyOf(config: HttpApiConfig, signal?: AbortSignal): FetchPolicy {
  return { timeoutMs: config.timeoutMs ?? HTTP_DEFAULTS.timeoutMs, retry: retryPolicyOf(config), signal };
}

async function describeStream(config: HttpApiConfig, stream: HttpStreamConfig): Promise<StreamDescriptor> {
  const cursorCandidates = stream.cursorField ? [stream.cursorField] : [];
  const schema = stream.schema ?? (await sampleSchema(config, stream, [...stream.primaryKey, ...cursorCandidates]));
  return { name: stream.name, schema, primaryKey: stream.primaryKey, cursorCandidates };
}

async function sampleSchema(config: HttpApiConfig, stream: HttpStreamConfig, keyFields: string[]): Promise<JsonSchema> {
  const page = await fetchPage(config, firstUrl(config, stream, null), policyOf(config));
  const inferred = inferSchema(extractRecords(page.body, stream.recordsPath));
  // the key and cursor fields are fields even when the sample page is empty
  const properties = { ...Object.fromEntries(keyFields.map((field) => [field, {}])), ...(inferred.properties as object) };
  return { ...inferred, properties };
}

function streamNamed(config: HttpApiConfig, name: string): HttpStreamConfig {
  const stream = config.streams.find((s) => s.name === name);
  if (!stream) throw new Error(`http connector has no stream ${name} (it has ${config.streams.map((s) => s.name).join(', ')})`);
  return stream;
}

function positionCursor(position: IncrementalPosition): Cursor {
  return { value: position.value, rowKeysAtValue: position.rowKeysAtValue };
}

function assertAscending(stream: HttpStreamConfig, previous: CursorValue | undefined, value: CursorValue): void {
  // Resuming from the highest value emitted is only right when nothing lower comes later.
  if (previous !== undefined && compareCursorValues(value, previous) < 0) {
    throw new Error(
      `stream ${stream.name}: ${stream.cursorField} ${JSON.stringify(value)} came after ${JSON.stringify(previous)}; an incremental stream needs the API to list records in ascending ${stream.cursorField} order`,
    );
  }
}
