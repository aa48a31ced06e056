import { readFileSync } from 'node:fs';
import * as net from 'node:net';

/** A broker process under measurement: the mock cluster launcher or the embedded broker's CLI. */
export interface BenchBroker {
  readonly bootstrap: string;
  readonly pid: number;
  stop(): Promise<void>;
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux x86-64 (getconf CLK_TCK)

function statFields(pid: number | 'self'): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name (field 2) may contain spaces; the fields after its closing parenthesis are fixed.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** User + system CPU seconds a process has used so far, all threads included (utime + stime of /proc/<pid>/stat). */
export function cpuSecondsOf(pid: number): number {
  const fields = statFields(pid);
  return fields ? (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND : Number.NaN;
}

/**
 * CPU seconds of this process's children that have exited and been reaped (cutime + cstime): the difference across
 * one kcat run is that kcat's CPU time, since the brokers are still alive and not counted.
 */
export function reapedChildrenCpuSeconds(): number {
  const fields = statFields('self');
  return fields ? (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS_PER_SECOND : Number.NaN;
}

/** Resolves once something accepts TCP connections on host:port; rejects after timeoutMs or when `gaveUp` says so. */
export async function waitForPort(host: string, port: number, timeoutMs: number, gaveUp: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reason = gaveUp();
    if (reason) throw new Error(reason);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
