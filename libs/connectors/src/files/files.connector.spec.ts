import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeConnectorConformance } from '@tessera/connector-sdk';
import type { FilesConfig } from './files-config';
import { filesConnector } from './files.connector';

const csv = (rows: string[][]): string => rows.map((r) => r.join(',')).join('\n') + '\n';
const customers = (from: number, to: number): string[][] => [
  ['customer_id', 'email', 'tier'],
  ...Array.from({ length: to - from + 1 }, (_, i) => [`C-${from + i}`, `c${from + i}@example.com`, i % 2 ? 'gold' : 'silver']),
];
const at = (seconds: number): Date => new Date(Date.UTC(2026, 0, 1) + seconds * 1000);

describe('file-name cursor (CSV, rows keyed by file and row number)', () => {
  let directory: string;
  let changed = false;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'files-by-name-'));
    writeFileSync(join(directory, 'crm-001.csv'), csv(customers(1, 9)));
    writeFileSync(join(directory, 'crm-002.csv'), csv(customers(10, 14)));
    writeFileSync(join(directory, 'other.csv'), csv(customers(90, 99)));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  const config = (dir = directory): FilesConfig => ({
    directory: dir,
    streams: [{ name: 'crm', pattern: 'crm-*.csv', format: 'csv', checkpointEvery: 4 }],
  });

  describeConnectorConformance(filesConnector, {
    stream: 'crm',
    goodConfig: () => config(),
    unreachableConfig: () => config(join(directory, 'missing')),
    invalidConfig: { config: { streams: [{ name: 'crm', format: 'csv' }] }, problemAt: '/streams/0/pattern' },
    rowKeys: async () => [
      ...Array.from({ length: 9 }, (_, i) => `crm-001.csv:${i + 1}`),
      ...Array.from({ length: 5 }, (_, i) => `crm-002.csv:${i + 1}`),
      ...(changed ? Array.from({ length: 3 }, (_, i) => `crm-003.csv:${i + 1}`) : []),
    ],
    changeRows: async () => {
      changed = true;
      writeFileSync(join(directory, 'crm-003.csv'), csv(customers(15, 17)));
      return ['crm-003.csv:1', 'crm-003.csv:2', 'crm-003.csv:3'];
    },
  });
});

describe('modified-time cursor (CSV, rows keyed by the primary key column)', () => {
  let directory: string;
  let changed = false;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'files-by-mtime-'));
    // Name order and time order differ: b.csv is older than a.csv.
    writeFileSync(join(directory, 'b.csv'), csv(customers(1, 6)));
    utimesSync(join(directory, 'b.csv'), at(10), at(10));
    writeFileSync(join(directory, 'a.csv'), csv(customers(7, 12)));
    utimesSync(join(directory, 'a.csv'), at(20), at(20));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  const config = (dir = directory): FilesConfig => ({
    directory: dir,
    streams: [
      { name: 'crm', pattern: '*.csv', format: 'csv', primaryKey: 'customer_id', cursor: { mode: 'modified-time' }, checkpointEvery: 5 },
    ],
  });

  describeConnectorConformance(filesConnector, {
    stream: 'crm',
    goodConfig: () => config(),
    unreachableConfig: () => config('/nonexistent/exports'),
    invalidConfig: { config: { streams: [{ name: 'crm', pattern: '*.csv', format: 'csv' }] }, problemAt: '/directory' },
    rowKeys: async () => Array.from({ length: changed ? 14 : 12 }, (_, i) => `C-${i + 1}`),
    changeRows: async () => {
      changed = true;
      // b.csv is rewritten (one row changed): the whole file is read again; c.csv is new.
      writeFileSync(join(directory, 'b.csv'), csv(customers(1, 6)).replace('C-6,c6@example.com', 'C-6,new6@example.com'));
      utimesSync(join(directory, 'b.csv'), at(30), at(30));
      writeFileSync(join(directory, 'c.csv'), csv(customers(13, 14)));
      utimesSync(join(directory, 'c.csv'), at(25), at(25));
      return ['C-1', 'C-2', 'C-3', 'C-4', 'C-5', 'C-6', 'C-13', 'C-14'];
    },
  });
});

describe('column cursor (NDJSON, records with updated_at greater than the saved value)', () => {
  let directory: string;
  let changed = false;
  const line = (id: number, updatedAt: string): string =>
    JSON.stringify({ id: `T-${id}`, email: `t${id}@example.com`, updated_at: updatedAt });
  const day = (d: number): string => `2026-01-${String(d).padStart(2, '0')}T00:00:00Z`;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'files-by-column-'));
    writeFileSync(join(directory, 'tickets-1.ndjson'), [1, 2, 3, 4, 5].map((i) => line(i, day(i))).join('\n') + '\n');
    writeFileSync(join(directory, 'tickets-2.ndjson'), [6, 7, 8].map((i) => line(i, day(i))).join('\n') + '\n');
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  const config = (dir = directory): FilesConfig => ({
    directory: dir,
    streams: [
      {
        name: 'tickets',
        pattern: 'tickets-*.ndjson',
        format: 'ndjson',
        primaryKey: 'id',
        cursor: { mode: 'column', column: 'updated_at', type: 'timestamp' },
        checkpointEvery: 2,
      },
    ],
  });

  describeConnectorConformance(filesConnector, {
    stream: 'tickets',
    goodConfig: () => config(),
    unreachableConfig: () => config(join(directory, 'gone')),
    invalidConfig: {
      config: { directory: '/x', streams: [{ name: 't', pattern: '*', format: 'ndjson', cursor: { mode: 'column' } }] },
      problemAt: '/streams/0/cursor/column',
    },
    rowKeys: async () => Array.from({ length: changed ? 9 : 8 }, (_, i) => `T-${i + 1}`),
    changeRows: async () => {
      changed = true;
      // T-3 is updated in place (a later updated_at); T-9 arrives in a new file with the latest timestamp.
      writeFileSync(join(directory, 'tickets-1.ndjson'), [1, 2, 3, 4, 5].map((i) => line(i, i === 3 ? day(20) : day(i))).join('\n') + '\n');
      writeFileSync(join(directory, 'tickets-3.ndjson'), line(9, day(21)) + '\n');
      return ['T-3', 'T-9'];
    },
  });
});

describe('a URL by modification time (CSV over HTTP, Last-Modified and If-Modified-Since)', () => {
  let server: Server;
  let body = csv(customers(1, 10));
  let lastModified = at(0);
  beforeAll(async () => {
    server = createServer((req, res) => {
      const since = Date.parse(req.headers['if-modified-since'] ?? '');
      if (since >= lastModified.getTime()) return void res.writeHead(304).end();
      res.writeHead(200, { 'content-type': 'text/csv', 'last-modified': lastModified.toUTCString() }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const config = (path = '/exports/crm.csv'): FilesConfig => ({
    streams: [
      {
        name: 'crm',
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
        format: 'csv',
        primaryKey: 'customer_id',
        checkpointEvery: 3,
      },
    ],
  });

  describeConnectorConformance(filesConnector, {
    stream: 'crm',
    goodConfig: () => config(),
    unreachableConfig: (): FilesConfig => ({ streams: [{ name: 'crm', url: 'http://127.0.0.1:1/crm.csv', format: 'csv' }] }),
    invalidConfig: { config: { streams: [{ name: 'crm', url: 'ftp://host/crm.csv', format: 'csv' }] }, problemAt: '/streams/0/url' },
    rowKeys: async () =>
      body
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(',')[0]),
    changeRows: async () => {
      // The export is regenerated a minute later with two more customers: the file is read whole again.
      body = csv(customers(1, 12));
      lastModified = at(60);
      return Array.from({ length: 12 }, (_, i) => `C-${i + 1}`);
    },
  });
});
