import * as net from 'node:net';

/** A broker process under measurement: the mock cluster launcher or the embedded broker's CLI. */
export interface BenchBroker {
  readonly bootstrap: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export { cpuSecondsOf, reapedChildrenCpuSeconds } from '../shared/proc-stat';

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
