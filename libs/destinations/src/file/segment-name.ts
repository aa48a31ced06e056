/**
 * `<prefix>-<UTC yyyymmddThhmmssmmmZ>-<sequence, 8 digits>.<ext>`: sorting names sorts files by when they were opened,
 * and the sequence (monotonic per destination, recovered at start-up) orders files opened in the same millisecond.
 */
export function segmentName(prefix: string, openedAtMs: number, sequence: number, extension: string): string {
  const stamp = new Date(openedAtMs).toISOString().replace(/[-:]/g, '').replace('.', '');
  return `${prefix}-${stamp}-${String(sequence).padStart(8, '0')}.${extension}`;
}

/** The sequence of a file (final, .part or .ledger) this prefix wrote, or undefined for anyone else's file. */
export function segmentSequence(fileName: string, prefix: string): number | undefined {
  if (!fileName.startsWith(`${prefix}-`)) return undefined;
  const match = /^-\d{8}T\d{9}Z-(\d{8})\./.exec(fileName.slice(prefix.length));
  return match ? Number(match[1]) : undefined;
}
