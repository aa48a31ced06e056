import { freePort } from '@tessera/testing';
import { randomBytes } from 'node:crypto';
import type { ScriptedReceiver } from '../../services/activation-dispatcher/src/test-support/scripted-receiver';
import type { BenchProcess } from './bench-process';
import type { BenchRig } from './bench-rig';

export const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
export const WRITE_KEY = 'bench-dev-write-key';
/** Basic auth with the dev write key, as Segment SDKs send it. */
export const WRITE_KEY_AUTH = `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`;
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

/** The six pipeline services in data-flow order. */
export const SERVICES = [
  'ingest-gateway',
  'validation',
  'identity-resolver',
  'profile-merger',
  'segment-evaluator',
  'activation-dispatcher',
] as const;
export type Service = (typeof SERVICES)[number];

/** Where webhook destinations point: the in-process ScriptedReceiver, or one in a process of its own. */
export interface WebhookTarget {
  url(path: string): string;
}

export interface Pipeline<R extends WebhookTarget = ScriptedReceiver> {
  rig: BenchRig;
  receiver: R;
  services: readonly Service[];
  process: Partial<Record<Service, BenchProcess>>;
  call(service: Service, method: string, path: string, body?: unknown, auth?: string): Promise<unknown>;
}

/**
 * Starts `services` (main.ts, NODE_ENV=production, each in its own schema of the rig's Postgres) as separate
 * processes on the rig's broker, and waits until every one is ready. `env` is added to every service's environment.
 */
export async function startPipeline<R extends WebhookTarget>(
  rig: BenchRig,
  receiver: R,
  services: readonly Service[] = SERVICES,
  env: NodeJS.ProcessEnv = {},
): Promise<Pipeline<R>> {
  const ports: Partial<Record<Service, number>> = {};
  const children: Partial<Record<Service, BenchProcess>> = {};
  for (const name of services) {
    ports[name] = await freePort();
    children[name] = rig.spawn(name, `services/${name}/src/main.ts`, {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      PORT: String(ports[name]),
      DATABASE_URL: rig.databaseUrl,
      DATABASE_SCHEMA: `bench_${name.replace(/-/g, '_')}`,
      KAFKA_BROKERS: rig.brokers.join(','),
      TESSERA_ADMIN_TOKEN: ADMIN_TOKEN,
      ...(name === 'ingest-gateway' ? { TESSERA_DEV_WRITE_KEY: WRITE_KEY } : {}),
      ...env,
    });
  }
  for (const name of services) await children[name]!.waitForHttp(`http://127.0.0.1:${ports[name]}/readyz`, 300_000);
  const call = async (service: Service, method: string, path: string, body?: unknown, auth = `Bearer ${ADMIN_TOKEN}`) => {
    const res = await fetch(`http://127.0.0.1:${ports[service]}${path}`, {
      method,
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${service} ${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  return { rig, receiver, services, process: children, call };
}

/** A webhook destination at the receiver's `/<id>`, synced add/remove from `segmentId`. */
export async function webhookSync(
  p: Pipeline<WebhookTarget>,
  id: string,
  segmentId: string,
  mapping: Record<string, string> = {},
): Promise<void> {
  await p.call('activation-dispatcher', 'POST', '/v1/destinations', {
    id,
    name: id,
    kind: 'webhook',
    config: { url: p.receiver.url(`/${id}`), batchSize: 100 },
    secrets: { signingSecret: SECRET },
    batchSize: 100,
  });
  await p.call('activation-dispatcher', 'POST', '/v1/syncs', {
    id: `${id}-sync`,
    segmentId,
    destinationId: id,
    mode: 'add_remove',
    mapping,
  });
}

/**
 * Calls the gateway's `/v1/batch` every 10 ms with the events due by then, `rate` events/s until `total` were sent:
 * `event(seq)` makes event number seq. Returns each event's send time and how long sending took; a refused call's
 * error is pushed to `failures` once per event it carried (none of them was accepted).
 */
export async function sendAtRate(
  p: Pipeline<WebhookTarget>,
  rate: number,
  total: number,
  event: (seq: number) => unknown,
  failures: string[],
): Promise<{ sentAt: number[]; seconds: number }> {
  const sentAt: number[] = [];
  const perTick = Math.max(1, Math.round(rate / 100));
  const started = Date.now();
  for (let seq = 0; seq < total; seq += perTick) {
    const due = started + (seq / rate) * 1000;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    const batch = [];
    const at = Date.now();
    for (let k = seq; k < Math.min(seq + perTick, total); k++) {
      batch.push(event(k));
      sentAt[k] = at;
    }
    const count = batch.length;
    void p
      .call('ingest-gateway', 'POST', '/v1/batch', { batch }, WRITE_KEY_AUTH)
      .catch((e: Error) => failures.push(...Array<string>(count).fill(e.message)));
  }
  return { sentAt, seconds: (Date.now() - started) / 1000 };
}
