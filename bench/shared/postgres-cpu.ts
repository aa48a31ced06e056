import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpuSecondsOf, reapedChildrenCpuSeconds, statFields } from './proc-stat';

/**
 * User + system CPU seconds of the Postgres server whose data directory is `dataDir`: the postmaster (first line
 * of postmaster.pid), its live children (backends, WAL writer, checkpointer...) and the children it has reaped, so
 * a backend that exits between two readings (the services' pools close connections idle for 10 s) still counts.
 * Linux /proc only; 0 elsewhere or without a data directory.
 */
export function postgresCpuSeconds(dataDir: string | undefined): number {
  if (!dataDir) return 0;
  let postmaster: string;
  try {
    postmaster = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0].trim();
  } catch {
    return 0;
  }
  let seconds = reapedChildrenCpuSeconds(postmaster) || 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    // After the ')': state, then ppid.
    if (pid === postmaster || statFields(pid)?.[1] === postmaster) seconds += cpuSecondsOf(pid) || 0;
  }
  return seconds;
}
