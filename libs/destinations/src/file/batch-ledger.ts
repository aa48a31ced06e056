import { open, readFile, rename, writeFile } from 'node:fs/promises';

/** One line of a ledger: a batch id, and either where its bytes end in the open file or when its file was sealed. */
export interface LedgerEntry {
  b: string;
  end?: number;
  at?: number;
}

/** Reads NDJSON ledger lines, skipping a torn last line (a crash mid-append). A missing file is an empty ledger. */
export async function readLedger(path: string): Promise<LedgerEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const entries: LedgerEntry[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      const entry = JSON.parse(line) as LedgerEntry;
      if (typeof entry.b === 'string') entries.push(entry);
    } catch {
      // torn line: the append it belonged to never completed, so its batch was never acknowledged
    }
  }
  return entries;
}

/** Appends entries durably (fsync) before the caller acknowledges anything they cover. */
export async function appendLedger(path: string, entries: LedgerEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const fh = await open(path, 'a');
  try {
    await fh.appendFile(entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

/** Replaces a ledger atomically (temp file + rename), e.g. to drop torn lines or expired ids. */
export async function rewriteLedger(path: string, entries: LedgerEntry[]): Promise<void> {
  const tmp = `${path}.tmp`;
  await writeFile(tmp, entries.map((e) => `${JSON.stringify(e)}\n`).join(''), { flush: true });
  await rename(tmp, path);
}
