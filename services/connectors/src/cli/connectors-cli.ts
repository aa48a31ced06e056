import { recordsPerSecond, runProgressLine, type ProgressSample } from './progress-line';
import { ServiceUnreachableError } from './service-unreachable.error';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface CliOptions {
  /** The connectors service, e.g. http://127.0.0.1:8086 (CONNECTORS_URL). */
  baseUrl: string;
  /** The admin token (TESSERA_ADMIN_TOKEN). */
  token: string;
  write(text: string): void;
  /** Redraw one progress line in place (a terminal), or print a line every few seconds (a log). */
  isTty: boolean;
  pollMs?: number;
  /** How long `follow` waits for a service that went away mid-run to come back (default 120 s: a restart). */
  reconnectMs?: number;
  /**
   * After a run that emitted records ends, how long its rejected count must stay unchanged before the summary prints
   * (default 3 s, at most 10 times that): validation's rejections reach the service after the run's last record.
   */
  settleMs?: number;
}

export const USAGE = `usage: npm run connectors -- <command>
  list                         connections with their connector, streams, schedule and next run
  check <connectionId>         can the source be reached with the connection's config?
  discover <connectionId>      the source's streams and fields
  run <connectionId> [--full-refresh] [--no-follow]
                               start a run now and follow it
  follow <runId>               follow a run until it ends (progress, records/s, ETA)
environment: CONNECTORS_URL (default http://127.0.0.1:8086), TESSERA_ADMIN_TOKEN`;

const NO_TOKEN = 'no admin token: set TESSERA_ADMIN_TOKEN (or CONNECTORS_ADMIN_TOKEN) to the token `npm start` prints';

/** fetch's own message is only "fetch failed": the reason (ECONNREFUSED, ENOTFOUND...) is on its cause. */
function causeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

/** The data engineers' command line over the service's HTTP API. Resolves to the process exit code. */
export async function runCli(args: string[], options: CliOptions): Promise<number> {
  const [command, target, ...flags] = args;
  const out = (line = '') => options.write(`${line}\n`);
  const baseUrl = options.baseUrl.replace(/\/$/, '');
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> => {
    if (!options.token) throw new Error(NO_TOKEN);
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${options.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).catch((err: unknown) => {
      throw new ServiceUnreachableError(
        `the connectors service at ${baseUrl} cannot be reached (${causeOf(err)}): is it running? (CONNECTORS_URL)`,
      );
    });
    const text = await res.text();
    const answer = text ? JSON.parse(text) : null;
    if (res.status === 401) throw new Error(`401: the service refused the admin token (${answer?.message}): check TESSERA_ADMIN_TOKEN`);
    return { status: res.status, body: answer };
  };
  const ok = (res: { status: number; body: Json }) => {
    if (res.status >= 400) throw new Error(`${res.status}: ${res.body?.message ?? JSON.stringify(res.body)}`);
    return res.body;
  };
  const needTarget = (what: string) => {
    if (!target) throw new Error(`${command} needs a ${what}\n${USAGE}`);
    return encodeURIComponent(target);
  };

  try {
    switch (command) {
      case 'list': {
        const connections: Json[] = ok(await call('GET', '/v1/connections?limit=1000'));
        if (connections.length === 0) out('no connections');
        for (const c of connections) {
          const schedule = c.schedule ? `${JSON.stringify(c.schedule)} ${c.timezone}` : 'manual';
          out(
            `${c.id}  ${c.connector}  streams: ${c.streams.map((s: Json) => s.name).join(', ')}  schedule: ${schedule}  next: ${c.nextRunAt ?? '-'}${c.enabled ? '' : '  (disabled)'}`,
          );
        }
        return 0;
      }
      case 'check': {
        const result = ok(await call('POST', `/v1/connections/${needTarget('connection id')}/check`));
        out(result.ok ? 'ok: the source can be reached' : `failed: ${result.message}`);
        return result.ok ? 0 : 1;
      }
      case 'discover': {
        const streams: Json[] = ok(await call('GET', `/v1/connections/${needTarget('connection id')}/discover`));
        for (const s of streams) {
          out(`${s.name}  primary key: ${s.primaryKey.join(', ')}  cursor candidates: ${s.cursorCandidates.join(', ') || '-'}`);
          for (const [field, schema] of Object.entries<Json>(s.schema?.properties ?? {}))
            out(`  ${field}: ${[schema.type].flat().join('|')}${schema.format ? ` (${schema.format})` : ''}`);
        }
        return 0;
      }
      case 'run': {
        const run = ok(
          await call('POST', `/v1/connections/${needTarget('connection id')}/runs`, { fullRefresh: flags.includes('--full-refresh') }),
        );
        out(`run ${run.id} queued (${run.fullRefresh ? 'full refresh' : 'incremental'})`);
        // The service has just answered the POST, so a failure right after it is a restart, not a wrong address.
        return flags.includes('--no-follow') ? 0 : await follow(run.id, call, options, out, true);
      }
      case 'follow':
        return await follow(needTarget('run id'), call, options, out, false);
      default:
        out(USAGE);
        return command === undefined || command === 'help' ? 0 : 2;
    }
  } catch (error) {
    out(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

async function follow(
  runId: string,
  call: (method: string, path: string) => Promise<{ status: number; body: Json }>,
  options: CliOptions,
  out: (line?: string) => void,
  serviceAnswered: boolean,
): Promise<number> {
  const samples: ProgressSample[] = [];
  let lastPrinted = 0;
  let answered = serviceAnswered;
  let unreachableSince: number | null = null;
  const settleMs = options.settleMs ?? 3_000;
  let settling = null as { rejected: number; since: number; until: number } | null;
  for (;;) {
    // A service that answered before and then went away is being restarted (a deploy, a crash): its run resumes
    // from the last checkpoint, so the CLI waits for it rather than leaving the engineer without the outcome.
    const res = await call('GET', `/v1/runs/${runId}`).catch((err: unknown) => {
      if (!(err instanceof ServiceUnreachableError) || !answered) throw err;
      if (unreachableSince === null) {
        unreachableSince = Date.now();
        if (options.isTty) out();
        out(
          `${err.message.replace(/: is it running\? \(CONNECTORS_URL\)$/, '')}; waiting for it to come back (the run resumes from its last checkpoint)`,
        );
      } else if (Date.now() - unreachableSince > (options.reconnectMs ?? 120_000)) throw err;
      return null;
    });
    if (res === null) {
      await new Promise((r) => setTimeout(r, options.pollMs ?? 500));
      continue;
    }
    answered = true;
    unreachableSince = null;
    if (res.status >= 400) throw new Error(`${res.status}: ${res.body?.message}`);
    const run = res.body;
    samples.push({ atMs: Date.now(), read: run.recordsRead });
    if (samples.length > 200) samples.shift();
    const line = runProgressLine(run, recordsPerSecond(samples));
    if (settling === null) {
      if (options.isTty) options.write(`\r\u001b[2K${line}`);
      else if (Date.now() - lastPrinted >= 5_000 || TERMINAL.has(run.state)) {
        out(line);
        lastPrinted = Date.now();
      }
    }
    if (TERMINAL.has(run.state) && run.recordsEmitted > 0 && settleMs > 0) {
      const now = Date.now();
      const until: number = settling?.until ?? now + 10 * settleMs;
      if (settling === null || run.recordsRejected !== settling.rejected) settling = { rejected: run.recordsRejected, since: now, until };
      if (now - settling.since < settleMs && now < settling.until) {
        await new Promise((r) => setTimeout(r, options.pollMs ?? 500));
        continue;
      }
    }
    if (TERMINAL.has(run.state)) {
      if (options.isTty) out();
      out(
        `run ${run.id} ${run.state}: read ${run.recordsRead}, emitted ${run.recordsEmitted}, rejected ${run.recordsRejected}${run.disappeared === null ? '' : `, disappeared ${run.disappeared}`}`,
      );
      if (run.error) out(`error: ${run.error}`);
      return run.state === 'succeeded' ? 0 : 1;
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? 500));
  }
}
