import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

function statFields(pid: string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // gone meanwhile
  }
}

/**
 * User + system CPU seconds of the Postgres server whose data directory is `dataDir`: the postmaster (first line
 * of postmaster.pid) and its live children (backends, WAL writer, checkpointer...). Linux /proc only; 0 elsewhere
 * or without a data directory. Backends that exited in between are not counted; the services keep pooled ones.
 */
export function postgresCpuSeconds(dataDir: string | undefined): number {
  if (!dataDir) return 0;
  let postmaster: string;
  try {
    postmaster = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0].trim();
  } catch {
    return 0;
  }
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    const fields = statFields(pid);
    // After the ')': state, ppid, ... utime (index 11) and stime (index 12), in 1/100 s ticks on Linux.
    if (fields && (pid === postmaster || fields[1] === postmaster)) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / 100;
}
