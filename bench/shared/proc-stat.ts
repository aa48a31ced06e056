import { readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux x86-64 (getconf CLK_TCK)

/** The fields of /proc/<pid>/stat after the command name (which may contain spaces); undefined if it is gone. */
export function statFields(pid: number | string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** User + system CPU seconds a process has used so far, all threads included (utime + stime); NaN if unknown. */
export function cpuSecondsOf(pid: number | string): number {
  const fields = statFields(pid);
  return fields ? (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND : Number.NaN;
}

/**
 * CPU seconds of a process's children that have exited and been reaped (cutime + cstime); this process's by default.
 * The difference across one kcat run is that kcat's CPU time, since the brokers are still alive and not counted.
 */
export function reapedChildrenCpuSeconds(pid: number | string = 'self'): number {
  const fields = statFields(pid);
  return fields ? (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS_PER_SECOND : Number.NaN;
}
