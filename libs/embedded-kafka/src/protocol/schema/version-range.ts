/** Kafka version-range notation: "3+", "0-7", "5", "none". */
export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

const NONE: VersionRange = { min: 1, max: 0 };

export function parseVersionRange(text: string): VersionRange {
  const trimmed = text.trim();
  if (trimmed === 'none') return NONE;
  if (trimmed.endsWith('+')) return { min: toVersion(trimmed.slice(0, -1), text), max: 0x7fff };
  const dash = trimmed.indexOf('-');
  if (dash < 0) {
    const single = toVersion(trimmed, text);
    return { min: single, max: single };
  }
  return { min: toVersion(trimmed.slice(0, dash), text), max: toVersion(trimmed.slice(dash + 1), text) };
}

export function inRange(range: VersionRange, version: number): boolean {
  return version >= range.min && version <= range.max;
}

export function versionIn(text: string | undefined, version: number): boolean {
  return text !== undefined && inRange(parseVersionRange(text), version);
}

function toVersion(part: string, whole: string): number {
  const n = Number(part);
  if (!Number.isInteger(n) || n < 0) throw new Error(`bad version range "${whole}"`);
  return n;
}
