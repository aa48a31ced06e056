import { cpus, loadavg } from 'node:os';

/** A number with thousands separators and a fixed number of decimals (en-US), as the bench tables print them. */
export const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** The line under a result: CPU count and model, Node version and the load average (other work on the machine). */
export function machineLine(): string {
  return `Machine: ${cpus().length} CPU(s) ${cpus()[0]?.model ?? ''}, Node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`;
}

/** CPU seconds per event as whole microseconds, formatted. */
export const microsPerEvent = (cpuSeconds: number, events: number): string => fmt((cpuSeconds * 1e6) / events);

/**
 * A bench result: the machine line, then a one-row markdown table with every column right-aligned, framed by
 * blank lines; the caller's summary lines follow.
 */
export function resultBlock(headers: readonly string[], cells: readonly string[]): string[] {
  return ['', machineLine(), '', `| ${headers.join(' | ')} |`, `|${headers.map(() => '---:').join('|')}|`, `| ${cells.join(' | ')} |`, ''];
}
