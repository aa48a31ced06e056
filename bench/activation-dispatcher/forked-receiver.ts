import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { ReceivedRequest } from '../../services/activation-dispatcher/src/test-support/scripted-receiver';
import { REPO_ROOT } from '../shared/bench-infra';
import { stopChild } from '../shared/stop-child';

type Report = { url: string } | { requests: ReceivedRequest[] };

/** The parent's side of receiver-process.ts: the webhook URL, and the requests it received (stamped on arrival there). */
export class ForkedReceiver {
  private readonly received: ReceivedRequest[] = [];

  private constructor(
    private readonly child: ChildProcess,
    private readonly base: string,
  ) {
    child.on('message', (m: Report) => {
      if ('requests' in m) this.received.push(...m.requests);
    });
  }

  static async start(): Promise<ForkedReceiver> {
    const child = fork(`${REPO_ROOT}/tools/run-ts.js`, [`${__dirname}/receiver-process.ts`], { cwd: REPO_ROOT });
    const [first] = (await Promise.race([once(child, 'message'), once(child, 'exit').then(() => [undefined])])) as [Report?];
    if (!first || !('url' in first)) throw new Error('the webhook receiver process did not start');
    return new ForkedReceiver(child, first.url);
  }

  url(path: string): string {
    return `${this.base}${path}`;
  }

  requests(path: string): ReceivedRequest[] {
    return this.received.filter((r) => r.path === path);
  }

  /** The distinct delivery ids received on the path. */
  deliveryIds(path: string): Set<string> {
    return new Set(this.requests(path).flatMap((r) => r.items.map((item) => item.deliveryId)));
  }

  async close(): Promise<void> {
    this.child.disconnect();
    await stopChild(this.child, 5_000);
  }
}
