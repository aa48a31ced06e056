import { defineConnector, type ReadMessage, type SourceRecord } from '@tessera/connector-sdk';

/**
 * A connector over rows it makes up: row i of stream `rows` is `{ id: "r-<i>", email, tier, brand, n }` (`x-<i>` in
 * stream `extras`), rows `from` to `rows - 1`,
 * a checkpoint `{ next: i + 1 }` after every `checkpointEvery` rows and at the end, an estimate first. `delayMs`
 * waits (abortably) before each checkpoint so a run lasts long enough to be cancelled or killed; `version` changes
 * the tier of every row (an "update" the next full refresh sees); `pages` emits the rows before each checkpoint as one
 * records message. For the service's tests and the bench.
 */
export interface GeneratedRowsConfig {
  rows: number;
  from?: number;
  checkpointEvery: number;
  delayMs?: number;
  version?: number;
  /** Checkpoints missing on purpose: records only (the batch limit test). */
  noCheckpoints?: boolean;
  pages?: boolean;
  apiKey?: string;
}

export const GENERATED_FIELDS = ['id', 'email', 'tier', 'brand', 'n'];

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export const generatedRowsConnector = defineConnector<GeneratedRowsConfig>({
  name: 'generated-rows',
  configSchema: {
    type: 'object',
    required: ['rows', 'checkpointEvery'],
    additionalProperties: false,
    properties: {
      rows: { type: 'integer', minimum: 0 },
      from: { type: 'integer', minimum: 0 },
      checkpointEvery: { type: 'integer', minimum: 1 },
      delayMs: { type: 'integer', minimum: 0 },
      version: { type: 'integer' },
      noCheckpoints: { type: 'boolean' },
      pages: { type: 'boolean' },
      apiKey: { type: 'string', secret: true },
    },
  },
  async check(config) {
    if (config.apiKey === 'wrong') throw new Error('the generator rejected the api key');
  },
  async discover() {
    const schema = {
      type: 'object',
      properties: Object.fromEntries(GENERATED_FIELDS.map((f) => [f, { type: f === 'n' ? 'integer' : 'string' }])),
    };
    return ['rows', 'extras'].map((name) => ({ name, schema, cursorCandidates: ['n'], primaryKey: ['id'] }));
  },
  async *read(config, stream, cursor, { signal }): AsyncIterable<ReadMessage> {
    if (stream !== 'rows' && stream !== 'extras') throw new Error(`generated-rows has no stream ${stream}`);
    const prefix = stream === 'rows' ? 'r' : 'x';
    const start = Math.max(config.from ?? 0, cursor ? Number(cursor.next) : 0);
    yield { type: 'estimate', total: Math.max(0, config.rows - start) };
    const aborted = signal ?? new AbortController().signal;
    let page: SourceRecord[] = [];
    for (let i = start; i < config.rows; i++) {
      const id = `${prefix}-${i}`;
      const record: SourceRecord = {
        rowKey: id,
        data: {
          id,
          email: `${id}@example.com`,
          tier: `tier-${(i + (config.version ?? 0)) % 4}`,
          brand: i % 2 === 0 ? 'north' : 'south',
          n: i,
        },
      };
      if (!config.pages) yield { type: 'record', stream, ...record };
      else page.push(record);
      if ((i + 1) % config.checkpointEvery === 0 && !config.noCheckpoints) {
        if (page.length > 0) yield { type: 'records', stream, records: page };
        page = [];
        if (config.delayMs) await sleep(config.delayMs, aborted);
        yield { type: 'checkpoint', cursor: { next: i + 1 } };
      }
    }
    if (page.length > 0) yield { type: 'records', stream, records: page };
    if (!config.noCheckpoints) yield { type: 'checkpoint', cursor: { next: Math.max(start, config.rows) } };
  },
});
