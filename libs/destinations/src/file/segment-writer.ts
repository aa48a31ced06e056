import { mkdir, open, readdir, rename, stat, truncate, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeliveryBatch } from '../destination';
import { appendLedger, readLedger, rewriteLedger, type LedgerEntry } from './batch-ledger';
import type { RecordEncoder } from './record-encoder';
import { segmentName, segmentSequence } from './segment-name';

export const STAGING_DIR = '.tessera-staging';

export interface SegmentWriterOptions {
  directory: string;
  prefix: string;
  encoder: RecordEncoder;
  maxFileBytes: number;
  rotateAfterMs: number;
  dedupeWindowMs: number;
  now: () => number;
}

interface OpenSegment {
  name: string;
  partPath: string;
  ledgerPath: string;
  fh: FileHandle;
  size: number;
  openedAt: number;
  batchIds: Set<string>;
}

/**
 * Writes batches into rotating files so that a reader of `directory` only ever sees whole files, and a batch is
 * written once even if the process dies between writing it and the dispatcher recording the ack.
 *
 * - The open file lives in `<directory>/.tessera-staging/<name>.part`; sealing it is one rename(2) into the directory,
 *   atomic on one filesystem. A reader skipping dot-entries never sees a partial file.
 * - Beside it, `<name>.ledger` gets one fsynced line per batch (`{b: batchId, end: byteOffset}`) after the batch's
 *   bytes are fsynced. Only then does write() resolve. At start-up the .part is cut back to the last ledger offset, so
 *   a batch torn by a crash disappears and its retry writes it whole, and a batch that was written but never acked is
 *   found in the ledger and not written again.
 * - When a file is sealed its batch ids move to `<prefix>.sealed-batches` (kept for dedupeWindowMs), so a retry
 *   arriving after rotation is still recognised.
 * Not safe for two processes on one directory and prefix: one dispatcher instance owns a file destination.
 */
export class SegmentWriter {
  private readonly staging: string;
  private readonly sealedLedgerPath: string;
  private openSegment: OpenSegment | undefined;
  private sealed = new Map<string, number>();
  private nextSequence = 1;
  private recovered = false;

  constructor(private readonly opts: SegmentWriterOptions) {
    this.staging = join(opts.directory, STAGING_DIR);
    this.sealedLedgerPath = join(this.staging, `${opts.prefix}.sealed-batches`);
  }

  /** 'duplicate' when this batch id was already written (before a crash, or by an earlier attempt). */
  async write(batch: DeliveryBatch): Promise<'written' | 'duplicate'> {
    try {
      return await this.writeRecovered(batch);
    } catch (error) {
      // the handles may be mid-write: forget them; recovery from disk restores a consistent state next time
      await this.reset();
      throw error;
    }
  }

  /** Seals the open file if it is older than rotateAfterMs (the adapter calls this on a timer). */
  async rotateIfDue(): Promise<void> {
    // recovering here too means a file left open by a crash is published on time even if no batch ever comes
    await this.recover();
    if (!this.openSegment) return;
    if (this.opts.now() - this.openSegment.openedAt >= this.opts.rotateAfterMs) await this.seal();
  }

  /** Seals the open file so everything written so far is visible. */
  async close(): Promise<void> {
    if (this.openSegment) await this.seal();
  }

  private async writeRecovered(batch: DeliveryBatch): Promise<'written' | 'duplicate'> {
    await this.recover();
    if (this.openSegment?.batchIds.has(batch.batchId) || this.sealed.has(batch.batchId)) return 'duplicate';
    const bytes = Buffer.from(this.opts.encoder.encode(batch), 'utf8');
    const current = this.openSegment;
    if (current) {
      const full = current.batchIds.size > 0 && current.size + bytes.length > this.opts.maxFileBytes;
      const old = this.opts.now() - current.openedAt >= this.opts.rotateAfterMs;
      if (full || old) await this.seal();
    }
    const segment = this.openSegment ?? (await this.openNew());
    await segment.fh.write(bytes, 0, bytes.length, segment.size);
    await segment.fh.datasync();
    segment.size += bytes.length;
    await appendLedger(segment.ledgerPath, [{ b: batch.batchId, end: segment.size }]);
    segment.batchIds.add(batch.batchId);
    if (segment.size >= this.opts.maxFileBytes) await this.seal();
    return 'written';
  }

  private async openNew(): Promise<OpenSegment> {
    const name = segmentName(this.opts.prefix, this.opts.now(), this.nextSequence++, this.opts.encoder.extension);
    const partPath = join(this.staging, `${name}.part`);
    const fh = await open(partPath, 'w+');
    const header = Buffer.from(this.opts.encoder.header(), 'utf8');
    if (header.length > 0) await fh.write(header, 0, header.length, 0);
    this.openSegment = {
      name,
      partPath,
      ledgerPath: join(this.staging, `${name}.ledger`),
      fh,
      size: header.length,
      openedAt: this.opts.now(),
      batchIds: new Set(),
    };
    return this.openSegment;
  }

  private async seal(): Promise<void> {
    const segment = this.openSegment;
    if (!segment) return;
    this.openSegment = undefined;
    await segment.fh.datasync();
    await segment.fh.close();
    if (segment.batchIds.size === 0) {
      await removeIfPresent(segment.partPath);
      await removeIfPresent(segment.ledgerPath);
      return;
    }
    await rename(segment.partPath, join(this.opts.directory, segment.name));
    await fsyncDirectory(this.opts.directory);
    await this.rememberSealed([...segment.batchIds].map((b) => ({ b })));
    await removeIfPresent(segment.ledgerPath);
  }

  private async rememberSealed(entries: LedgerEntry[]): Promise<void> {
    const at = this.opts.now();
    const stamped = entries.map((e) => ({ b: e.b, at }));
    await appendLedger(this.sealedLedgerPath, stamped);
    for (const e of stamped) this.sealed.set(e.b, at);
    if (this.pruneSealed()) await this.compactSealed();
  }

  private pruneSealed(): boolean {
    const cutoff = this.opts.now() - this.opts.dedupeWindowMs;
    let pruned = false;
    for (const [id, at] of this.sealed) {
      if (at < cutoff) {
        this.sealed.delete(id);
        pruned = true;
      }
    }
    return pruned;
  }

  private async compactSealed(): Promise<void> {
    await rewriteLedger(
      this.sealedLedgerPath,
      [...this.sealed].map(([b, at]) => ({ b, at })),
    );
  }

  /** Rebuilds the writer's state from disk once per process (and after a failed write). */
  private async recover(): Promise<void> {
    if (this.recovered) return;
    await mkdir(this.staging, { recursive: true });
    this.sealed = new Map((await readLedger(this.sealedLedgerPath)).map((e) => [e.b, e.at ?? this.opts.now()]));
    this.pruneSealed();
    await this.compactSealed();

    const finals = new Set(await readdir(this.opts.directory));
    const staged = await readdir(this.staging);
    const sequences = [...finals, ...staged].map((n) => segmentSequence(n, this.opts.prefix)).filter((s): s is number => s !== undefined);
    this.nextSequence = Math.max(0, ...sequences) + 1;

    const ledgers = staged.filter((n) => segmentSequence(n, this.opts.prefix) !== undefined && n.endsWith('.ledger')).sort();
    const resumable: { name: string; entries: LedgerEntry[] }[] = [];
    for (const ledgerName of ledgers) {
      const name = ledgerName.slice(0, -'.ledger'.length);
      const ledgerPath = join(this.staging, ledgerName);
      const entries = await readLedger(ledgerPath);
      const partPath = join(this.staging, `${name}.part`);
      if (finals.has(name)) {
        // sealed, but the crash came before its ids reached the sealed ledger
        await this.rememberSealed(entries);
        await removeIfPresent(partPath);
        await removeIfPresent(ledgerPath);
      } else if (entries.length > 0 && (await exists(partPath))) {
        await truncate(partPath, entries[entries.length - 1].end ?? 0);
        await rewriteLedger(ledgerPath, entries);
        resumable.push({ name, entries });
      } else {
        await removeIfPresent(partPath);
        await removeIfPresent(ledgerPath);
      }
    }
    for (const orphan of staged.filter((n) => n.endsWith('.part') && segmentSequence(n, this.opts.prefix) !== undefined)) {
      if (!resumable.some((r) => `${r.name}.part` === orphan) && !ledgers.includes(orphan.replace(/\.part$/, '.ledger'))) {
        await removeIfPresent(join(this.staging, orphan));
      }
    }
    // the newest unsealed file stays open; any older one (a crash during rotation) is sealed now
    for (const [i, r] of resumable.entries()) {
      const partPath = join(this.staging, `${r.name}.part`);
      this.openSegment = {
        name: r.name,
        partPath,
        ledgerPath: join(this.staging, `${r.name}.ledger`),
        fh: await open(partPath, 'r+'),
        size: r.entries[r.entries.length - 1].end ?? 0,
        openedAt: openedAtOf(r.name, this.opts.prefix) ?? this.opts.now(),
        batchIds: new Set(r.entries.map((e) => e.b)),
      };
      if (i < resumable.length - 1) await this.seal();
    }
    this.recovered = true;
  }

  private async reset(): Promise<void> {
    const segment = this.openSegment;
    this.openSegment = undefined;
    this.recovered = false;
    await segment?.fh.close().catch(() => undefined);
  }
}

function openedAtOf(name: string, prefix: string): number | undefined {
  const m = /^-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z-/.exec(name.slice(prefix.length));
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], +m[7]) : undefined;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function removeIfPresent(path: string): Promise<void> {
  await unlink(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}

/** Makes the rename itself durable: without it a power loss can forget the new directory entry. */
async function fsyncDirectory(directory: string): Promise<void> {
  const fh = await open(directory, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
