import { Histogram, Registry } from 'prom-client';

/** `tessera_<service>_http_request_duration_seconds`, labelled by route template (not raw URL, to bound cardinality). */
export function createHttpRequestHistogram(serviceName: string, registry: Registry): Histogram<'method' | 'route' | 'status'> {
  const prefix = `tessera_${serviceName.replace(/[^a-zA-Z0-9]/g, '_')}`;
  const name = `${prefix}_http_request_duration_seconds`;
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Histogram<'method' | 'route' | 'status'>;
  return new Histogram({
    name,
    help: 'HTTP request duration by method, route template and status code',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
}
