import { ServiceMetrics } from '@tessera/observability';
import type { Histogram, Registry } from 'prom-client';

export type HttpRequestHistogram = Histogram<'method' | 'route' | 'status'>;

/** `tessera_<service>_http_request_duration_seconds`, labelled by route template (not raw URL, to bound cardinality). */
export function createHttpRequestHistogram(serviceName: string, registry: Registry): HttpRequestHistogram {
  return new ServiceMetrics(registry, serviceName).histogram({
    what: 'http_request_duration',
    unit: 'seconds',
    help: 'HTTP request duration by method, route template and status code',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });
}
