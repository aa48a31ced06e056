import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';

const LEVEL_WIDTH = 5;

/**
 * Copies a child's output line by line with `[service]` in front. The services log pino JSON; for a person
 * at a terminal each line becomes `[service] level message key=value ...`, other lines pass through as they are.
 * onLine sees each raw line too (the broker's start-up line says where it listens).
 */
export function prefixLines(source: Readable, target: Writable, label: string, onLine?: (line: string) => void): void {
  const lines = readline.createInterface({ input: source, crlfDelay: Infinity });
  lines.on('line', (line) => {
    target.write(`[${label}] ${humanize(line)}\n`);
    onLine?.(line);
  });
}

export function humanize(line: string): string {
  if (!line.startsWith('{')) return line;
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const { level, msg, time: _time, service: _service, pid: _pid, ...rest } = entry;
  const extras = Object.entries(rest)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return `${String(level ?? '').padEnd(LEVEL_WIDTH)} ${String(msg ?? '')}${extras ? ` ${extras}` : ''}`;
}
