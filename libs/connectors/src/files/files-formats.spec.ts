import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readCommitted, type CheckpointMessage, type Cursor, type ReadMessage, type RecordMessage } from '@tessera/connector-sdk';
import { freePort } from '@tessera/testing';
import type { FilesConfig, FileStreamConfig } from './files-config';
import { filesConnector } from './files.connector';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'files-formats-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

const oneStream = (stream: Partial<FileStreamConfig>, extra: Partial<FilesConfig> = {}): FilesConfig => ({
  directory,
  streams: [{ name: 's', pattern: '*', format: 'csv', ...stream } as FileStreamConfig],
  ...extra,
});

async function records(config: FilesConfig): Promise<RecordMessage[]> {
  const outcome = await readCommitted(filesConnector, config, 's', null);
  expect(outcome.uncheckpointed).toEqual([]);
  return outcome.records;
}
const dataOf = async (config: FilesConfig): Promise<Record<string, unknown>[]> => (await records(config)).map((r) => r.data);

describe('files connector: CSV dialects and encodings', () => {
  it('reads quoted fields with delimiters, doubled quotes and line breaks inside; an empty cell is null', async () => {
    writeFileSync(join(directory, 'a.csv'), 'id,name,note\r\n1,"Doe, Jane","said ""hi""\nthen left"\r\n2,Bob,\r\n');
    await expect(dataOf(oneStream({}))).resolves.toEqual([
      { id: '1', name: 'Doe, Jane', note: 'said "hi"\nthen left' },
      { id: '2', name: 'Bob', note: null },
    ]);
  });

  it('takes another delimiter, quote and escape character', async () => {
    writeFileSync(join(directory, 'a.csv'), "id;name\n1;'O\\'Brien; Pat'\n");
    await expect(dataOf(oneStream({ csv: { delimiter: ';', quote: "'", escape: '\\' } }))).resolves.toEqual([
      { id: '1', name: "O'Brien; Pat" },
    ]);
  });

  it('names the columns itself for a file without a header row, or renames a header', async () => {
    writeFileSync(join(directory, 'a.csv'), '1,a@example.com\n2,b@example.com\n');
    await expect(dataOf(oneStream({ csv: { header: false, columns: ['id', 'email'] } }))).resolves.toEqual([
      { id: '1', email: 'a@example.com' },
      { id: '2', email: 'b@example.com' },
    ]);
    writeFileSync(join(directory, 'a.csv'), 'Kunden-Nr,E-Mail\n1,a@example.com\n');
    await expect(dataOf(oneStream({ csv: { columns: ['id', 'email'] } }))).resolves.toEqual([{ id: '1', email: 'a@example.com' }]);
  });

  it('decodes Latin-1 and strips a UTF-8 byte order mark from the first column name', async () => {
    writeFileSync(join(directory, 'latin.csv'), Buffer.from('id,city\n1,Zürich\n2,Besançon\n', 'latin1'));
    await expect(dataOf(oneStream({ pattern: 'latin.csv', encoding: 'latin1' }))).resolves.toEqual([
      { id: '1', city: 'Zürich' },
      { id: '2', city: 'Besançon' },
    ]);
    writeFileSync(join(directory, 'bom.csv'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('id,city\n1,Zürich\n')]));
    await expect(dataOf(oneStream({ pattern: 'bom.csv' }))).resolves.toEqual([{ id: '1', city: 'Zürich' }]);
  });

  it('gunzips by the .gz extension and by the magic bytes of a file named .csv', async () => {
    writeFileSync(join(directory, 'a.csv.gz'), gzipSync('id,email\n1,a@example.com\n'));
    writeFileSync(join(directory, 'b.csv'), gzipSync('id,email\n2,b@example.com\n'));
    await expect(dataOf(oneStream({}))).resolves.toEqual([
      { id: '1', email: 'a@example.com' },
      { id: '2', email: 'b@example.com' },
    ]);
  });

  it('fails the read on a corrupt gzip file rather than emitting part of it as complete', async () => {
    writeFileSync(join(directory, 'a.csv.gz'), gzipSync('id,email\n1,a@example.com\n').subarray(0, 20));
    await expect(records(oneStream({}))).rejects.toThrow(/unexpected end of file/);
  });
});

describe('files connector: rows it cannot read', () => {
  it('emits a bad row in its place as { _error } keyed by file and row number, and reads on', async () => {
    writeFileSync(join(directory, 'crm.csv'), 'id,email,tier\n1,a@example.com,gold\n2,"b@example.com,silver\n');
    writeFileSync(
      join(directory, 'crm2.csv'),
      'id,email,tier\n1,a@example.com,gold\n2,b@example.com\n3,c@example.com,5" gold\n4,d@example.com,silver,x\n5,e@example.com,silver\n',
    );
    const read = await records(oneStream({}));
    expect(read.map((r) => [r.rowKey, r.data._error === undefined ? r.data : 'bad'])).toEqual([
      ['crm.csv:1', { id: '1', email: 'a@example.com', tier: 'gold' }],
      ['crm.csv:2', 'bad'],
      ['crm2.csv:1', { id: '1', email: 'a@example.com', tier: 'gold' }],
      ['crm2.csv:2', 'bad'],
      // A quote inside an unquoted field is text (as spreadsheets write `5" screen`).
      ['crm2.csv:3', { id: '3', email: 'c@example.com', tier: '5" gold' }],
      ['crm2.csv:4', 'bad'],
      ['crm2.csv:5', { id: '5', email: 'e@example.com', tier: 'silver' }],
    ]);
    expect(read[1].data).toEqual({ _error: expect.stringMatching(/Quote Not Closed/) });
    expect(read[3].data).toEqual({ _error: 'the row has 2 fields where the columns are 3' });
    expect(read[5].data).toEqual({ _error: 'the row has 4 fields where the columns are 3' });
  });

  it('emits a row without an identifier as it is, keyed by its row number, for validation to reject', async () => {
    writeFileSync(join(directory, 'crm.csv'), 'customer_id,email\nC-1,a@example.com\n,nobody@example.com\nC-3,c@example.com\n');
    const read = await records(oneStream({ primaryKey: 'customer_id' }));
    expect(read.map((r) => [r.rowKey, r.positional])).toEqual([
      ['C-1', undefined],
      ['crm.csv:2', true], // only where it was read: the row has no key of its own
      ['C-3', undefined],
    ]);
    expect(read[1].data).toEqual({ customer_id: null, email: 'nobody@example.com' });
  });

  it('keys a row by several columns (a composite key, as the other connectors take it), one missing: by its row', async () => {
    writeFileSync(join(directory, 'crm.csv'), 'brand,customer_id,email\nnorth,42,a@example.com\nsouth,42,b@example.com\nsouth,,c@x.com\n');
    const config = oneStream({ primaryKey: ['brand', 'customer_id'] });
    expect((await records(config)).map((r) => r.rowKey)).toEqual(['["north","42"]', '["south","42"]', 'crm.csv:3']);
    expect((await filesConnector.discover(config))[0].primaryKey).toEqual(['brand', 'customer_id']);
    expect(filesConnector.validateConfig(oneStream({ primaryKey: [] }))).not.toEqual([]);
    expect(filesConnector.validateConfig(oneStream({ primaryKey: 'customer_id' }))).toEqual([]);
  });

  it('NDJSON: objects per line, a line that is not an object becomes a bad row, blank lines are skipped', async () => {
    writeFileSync(join(directory, 'a.ndjson'), '{"id":1,"tags":["a"]}\n\n{"id":2,\n[1,2]\n{"id":3,"nested":{"x":true}}\n');
    const read = await records(oneStream({ format: 'ndjson' }));
    expect(read.map((r) => [r.rowKey, r.data])).toEqual([
      ['a.ndjson:1', { id: 1, tags: ['a'] }],
      ['a.ndjson:3', { _error: expect.stringMatching(/^not JSON/) }],
      ['a.ndjson:4', { _error: 'the line is not a JSON object' }],
      ['a.ndjson:5', { id: 3, nested: { x: true } }],
    ]);
    const [stream] = await filesConnector.discover(oneStream({ format: 'ndjson' }));
    expect(stream.schema.properties).toEqual({
      id: { type: ['integer', 'null'] },
      tags: { type: ['array', 'null'] },
      nested: { type: ['null', 'object'] },
    });
  });
});

describe('files connector: checkpoints and estimates', () => {
  it('checkpoints every N rows inside a file and estimates the total from the bytes per row', async () => {
    const rows = Array.from({ length: 50_000 }, (_, i) => `${i + 1},user${i + 1}@example.com`);
    writeFileSync(join(directory, 'big.csv'), `id,email\n${rows.join('\n')}\n`);
    const messages: ReadMessage[] = [];
    let emitted = 0;
    const estimatesAt: [number, number][] = [];
    for await (const m of filesConnector.read(oneStream({ checkpointEvery: 10_000 }), 's', null)) {
      if (m.type === 'record') emitted += 1;
      else messages.push(m);
      if (m.type === 'estimate') estimatesAt.push([emitted, m.total]);
    }
    const checkpoints = messages.filter((m) => m.type === 'checkpoint').map((m) => (m.type === 'checkpoint' ? m.cursor : null));
    expect(checkpoints.map((c) => (c as { position: { row: number; complete: boolean } }).position)).toEqual([
      ...[1, 2, 3, 4, 5].map((k) => expect.objectContaining({ file: 'big.csv', row: k * 10_000, complete: false })),
      expect.objectContaining({ file: 'big.csv', row: 50_000, complete: true }),
    ]);
    // An early estimate from the bytes-per-row rate, refreshed at each checkpoint: within 20% half-way, exact at the end.
    expect(estimatesAt[0][0]).toBeLessThanOrEqual(1_000);
    const halfWay = estimatesAt.find(([at]) => at === 30_000)!;
    expect(Math.abs(halfWay[1] - 50_000)).toBeLessThan(10_000);
    expect(estimatesAt.at(-1)).toEqual([50_000, 50_000]);
  });
});

describe('files connector: cancelling', () => {
  it('stops a read when its signal is aborted (a cancelled run)', async () => {
    writeFileSync(join(directory, 'a.csv'), `id\n${Array.from({ length: 1_000 }, (_, i) => i).join('\n')}\n`);
    const controller = new AbortController();
    let seen = 0;
    const consume = async (): Promise<void> => {
      for await (const m of filesConnector.read(oneStream({}), 's', null, { signal: controller.signal })) {
        if (m.type === 'record' && ++seen === 10) controller.abort();
      }
    };
    await expect(consume()).rejects.toThrow(/aborted/);
    expect(seen).toBe(10);
  });
});

describe('files connector: a file over HTTP', () => {
  let server: Server;
  let url: string;
  const seen: (string | undefined)[] = [];
  const bodiesSent: string[] = [];
  const lastModified = 'Thu, 01 Jan 2026 00:00:00 GMT';
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      if (req.headers.authorization !== 'Bearer s3cret') return void res.writeHead(401).end();
      if (req.headers['if-modified-since'] === lastModified) return void res.writeHead(304).end();
      bodiesSent.push(req.url!);
      const body = gzipSync('id,email\n1,a@example.com\n2,b@example.com\n');
      res.writeHead(200, { 'content-type': 'text/csv', 'content-length': body.length, 'last-modified': lastModified });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/exports/crm.csv.gz`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const urlConfig = (authorization: string): FilesConfig => ({
    httpAuthorization: authorization,
    streams: [{ name: 's', url, format: 'csv' }],
  });

  it('reads a gzipped CSV from a URL with the configured Authorization, keyed by the URL file name', async () => {
    const read = await records(urlConfig('Bearer s3cret'));
    expect(read.map((r) => [r.rowKey, r.data])).toEqual([
      ['crm.csv.gz:1', { id: '1', email: 'a@example.com' }],
      ['crm.csv.gz:2', { id: '2', email: 'b@example.com' }],
    ]);
    expect(seen.at(-1)).toBe('Bearer s3cret');
  });

  it('by modification time (the default for a URL), an unchanged file is not downloaded again (If-Modified-Since)', async () => {
    const first = await readCommitted(filesConnector, urlConfig('Bearer s3cret'), 's', null);
    const downloads = bodiesSent.length;
    const again = await readCommitted(filesConnector, urlConfig('Bearer s3cret'), 's', first.cursor);
    expect(first.records).toHaveLength(2);
    expect(again.records).toEqual([]);
    expect(bodiesSent).toHaveLength(downloads);
  });

  it('a snapshot URL: a version read whole is a full pass; an unchanged one (304) is none, nor is a read resumed inside it', async () => {
    const config: FilesConfig = {
      httpAuthorization: 'Bearer s3cret',
      streams: [{ name: 's', url, format: 'csv', primaryKey: 'id', checkpointEvery: 1, snapshot: true }],
    };
    const read = async (cursor: Cursor) => {
      const messages: ReadMessage[] = [];
      for await (const message of filesConnector.read(config, 's', cursor)) messages.push(message);
      return messages;
    };
    const whole = await read(null);
    expect(whole.map((m) => m.type)).toEqual(['record', 'checkpoint', 'record', 'checkpoint', 'checkpoint', 'full-pass']);
    expect(await read((whole[4] as CheckpointMessage).cursor)).toEqual([]); // not modified since
    const resumed = await read((whole[1] as CheckpointMessage).cursor); // a crash after the first row
    expect(resumed.map((m) => m.type)).toEqual(['record', 'checkpoint', 'checkpoint']);
    // without the setting a URL read whole says nothing of what the source no longer holds
    const plain = { ...config, streams: [{ ...config.streams[0], snapshot: undefined }] };
    for await (const message of filesConnector.read(plain, 's', null)) expect(message.type).not.toBe('full-pass');
  });

  it('check reports the refusal without the credential', async () => {
    const result = await filesConnector.check(urlConfig('Bearer wrong-token'));
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/crm\.csv\.gz answered 401/) });
    expect(JSON.stringify(result)).not.toContain('wrong-token');
  });
});

describe('files connector: config and check', () => {
  it('names each problem of a bad config at its JSON Pointer', () => {
    const problems = filesConnector.validateConfig({
      streams: [
        { name: 'a', pattern: '*.csv', url: 'http://x/a.csv', format: 'xml', csv: { header: false, delimiter: ';;' } },
        { name: 'b', url: 'ftp://x/b.csv', format: 'csv', cursor: { mode: 'column' }, checkpointEvery: 0 },
        { name: 'c', pattern: 'c-*.csv', format: 'csv', snapshot: true },
        { name: 'd', url: 'http://x/d.csv', format: 'csv', snapshot: true, cursor: { mode: 'column', column: 'at' } },
      ],
    });
    expect(problems.map((p) => p.path).sort()).toEqual(
      [
        '/directory',
        '/streams/0/url',
        '/streams/0/format',
        '/streams/0/csv/delimiter',
        '/streams/0/csv/columns',
        '/streams/1/url',
        '/streams/1/cursor/column',
        '/streams/1/checkpointEvery',
        '/streams/2/url', // a snapshot is a URL's file
        '/streams/3/cursor/mode', // read whole by modification time
      ].sort(),
    );
  });

  it('check says which address cannot be reached, and why', async () => {
    const port = await freePort();
    await expect(
      filesConnector.check({ streams: [{ name: 's', url: `http://127.0.0.1:${port}/crm.csv?token=t0k`, format: 'csv' }] }),
    ).resolves.toEqual({
      ok: false,
      message: `could not reach http://127.0.0.1:${port}/crm.csv: connect ECONNREFUSED 127.0.0.1:${port}`,
    });
    const withUserInfo = await filesConnector.check({ streams: [{ name: 's', url: 'http://user:pw@127.0.0.1:1/crm.csv', format: 'csv' }] });
    expect(withUserInfo).toMatchObject({ ok: false, problems: [{ path: '/streams/0/url' }] });
    expect(JSON.stringify(withUserInfo)).not.toContain('pw');
  });

  it('check says which folder is missing', async () => {
    await expect(filesConnector.check(oneStream({}, { directory: join(directory, 'nope') }))).resolves.toEqual({
      ok: false,
      message: `the directory ${join(directory, 'nope')} does not exist`,
    });
  });
});
