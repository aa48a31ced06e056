import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { cpuSecondsOf, statFields } from './proc-stat';

/**
 * Postgres's CPU split by the process each backend serves. A backend's client is found through its socket: the
 * backend's TCP socket has the client's port as its remote port, and that port is a local port of one of the
 * client processes' sockets (/proc/<pid>/fd and /proc/net/tcp). Backends of no given client (the bench's own
 * connections, the checkpointer, WAL writer, ...) count as `other`. Linux /proc only.
 *
 * snapshot() reads each backend's running CPU total and its client; PostgresCpuByClient.between() charges each
 * backend's growth to its client. A backend that started in between counts from 0; one that exited is lost (the
 * services' pools keep theirs).
 */
export interface BackendSnapshot {
  /** backend pid -> [client name, CPU seconds so far] */
  backends: Map<string, [string, number]>;
}

export class PostgresCpuByClient {
  constructor(
    private readonly dataDir: string | undefined,
    private readonly clients: Readonly<Record<string, number | undefined>>,
  ) {}

  snapshot(): BackendSnapshot {
    const tcp = tcpSockets();
    const clientOfPort = new Map<number, string>();
    for (const [name, pid] of Object.entries(this.clients)) {
      if (pid === undefined) continue;
      for (const inode of socketInodes(pid)) {
        const socket = tcp.get(inode);
        if (socket) clientOfPort.set(socket.localPort, name);
      }
    }
    const backends = new Map<string, [string, number]>();
    for (const pid of postgresPids(this.dataDir)) {
      let client = 'other';
      for (const inode of socketInodes(pid)) {
        const socket = tcp.get(inode);
        const name = socket && clientOfPort.get(socket.remotePort);
        if (name) client = name;
      }
      backends.set(pid, [client, cpuSecondsOf(pid) || 0]);
    }
    return { backends };
  }

  /** CPU seconds per client from `before` to `after` (every client named, 0 if it used none, and `other`). */
  static between(before: BackendSnapshot, after: BackendSnapshot, names: readonly string[]): Record<string, number> {
    const used: Record<string, number> = Object.fromEntries([...names, 'other'].map((name) => [name, 0]));
    for (const [pid, [client, seconds]] of after.backends) {
      const start = before.backends.get(pid)?.[1] ?? 0;
      used[client] = (used[client] ?? 0) + Math.max(0, seconds - start);
    }
    return used;
  }
}

function postgresPids(dataDir: string | undefined): string[] {
  if (!dataDir) return [];
  let postmaster: string;
  try {
    postmaster = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0].trim();
  } catch {
    return [];
  }
  return readdirSync('/proc').filter((pid) => /^\d+$/.test(pid) && (pid === postmaster || statFields(pid)?.[1] === postmaster));
}

function socketInodes(pid: number | string): string[] {
  const dir = `/proc/${pid}/fd`;
  let fds: string[];
  try {
    fds = readdirSync(dir);
  } catch {
    return [];
  }
  const inodes: string[] = [];
  for (const fd of fds) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`${dir}/${fd}`));
      if (match) inodes.push(match[1]);
    } catch {
      // the descriptor closed while we read the directory
    }
  }
  return inodes;
}

/** inode -> the socket's local and remote ports, from /proc/net/tcp and tcp6 (every namespace's view is the same here). */
function tcpSockets(): Map<string, { localPort: number; remotePort: number }> {
  const sockets = new Map<string, { localPort: number; remotePort: number }>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let lines: string[];
    try {
      lines = readFileSync(file, 'latin1').split('\n').slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      const port = (address: string) => parseInt(address.slice(address.lastIndexOf(':') + 1), 16);
      sockets.set(fields[9], { localPort: port(fields[1]), remotePort: port(fields[2]) });
    }
  }
  return sockets;
}
