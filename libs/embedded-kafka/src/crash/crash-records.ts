/**
 * The crash test's records: line `id` is a 7-digit record number and a filler derived from it, 100 bytes in all,
 * so a consumer can tell which record it got and whether its bytes are intact.
 */
export const RECORD_BYTES = 100;

export function recordValue(id: number): string {
  const prefix = `${String(id).padStart(7, '0')} `;
  const seed = ((id * 2654435761) >>> 0).toString(36);
  return (prefix + seed.repeat(Math.ceil(RECORD_BYTES / seed.length))).slice(0, RECORD_BYTES);
}

/** The record number of a value written by recordValue, or undefined when the bytes are not one of ours intact. */
export function recordIdOf(value: string): number | undefined {
  const id = Number(value.slice(0, 7));
  return Number.isInteger(id) && value === recordValue(id) ? id : undefined;
}

export function recordLines(firstId: number, count: number): string {
  let text = '';
  for (let id = firstId; id < firstId + count; id++) text += `${recordValue(id)}\n`;
  return text;
}
