import type { ServiceName } from '@tessera/config';
import type { ChildExit } from './child-run';
import { servicePortVariable } from './dev-stack-settings';

/** A service to wait for (a ServiceProcess, or the dev stack's supervised one): where it answers, and whether it died. */
export interface ReadinessTarget {
  readonly name: ServiceName;
  readonly port: number;
  readonly url: string;
  readonly exited: ChildExit | undefined;
}

const POLL_INTERVAL_MS = 250;

/** Polls a service's /readyz until 200; fails fast if the process exits, or after timeoutMs. */
export async function waitUntilReady(service: ReadinessTarget, timeoutMs: number, pollIntervalMs = POLL_INTERVAL_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (service.exited) {
      throw new Error(
        `${service.name} exited before it was ready (code ${service.exited.code}, signal ${service.exited.signal}); its log lines above say why` +
          ` (if port ${service.port} is taken, set ${servicePortVariable(service.name)})`,
      );
    }
    try {
      const res = await fetch(`${service.url}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
      lastProblem = `readyz answered ${res.status}: ${await res.text()}`;
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
  }
  throw new Error(`${service.name} was not ready after ${timeoutMs} ms (${lastProblem})`);
}
