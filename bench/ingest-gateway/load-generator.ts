/** The subset of autocannon (no bundled typings) the benchmark uses. */
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  '2xx': number;
}

interface AutocannonOptions {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  connections: number;
  duration: number;
  pipelining?: number;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (options: AutocannonOptions) => Promise<AutocannonResult>;

export interface LoadResult {
  requestsPerSecond: number;
  okRequests: number;
  failedRequests: number;
  p50Ms: number;
  p99Ms: number;
}

/** One autocannon run (Fastify's standard load tool): fixed body, keep-alive connections, for `seconds`. */
export async function runLoad(options: {
  url: string;
  headers: Record<string, string>;
  body: string;
  connections: number;
  seconds: number;
}): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: options.body,
    connections: options.connections,
    duration: options.seconds,
  });
  const ok = result['2xx'];
  return {
    requestsPerSecond: ok / result.duration,
    okRequests: ok,
    failedRequests: result.non2xx + result.errors + result.timeouts,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
  };
}
