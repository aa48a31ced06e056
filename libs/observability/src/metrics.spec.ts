import { assertMetricName, createMetricsRegistry, MetricNameError, metricName, ServiceMetrics } from './index';

describe('metric naming', () => {
  it('builds tessera_<service>_<what>_<unit> names', () => {
    expect(metricName('ingest-gateway', 'events_received', undefined, 'counter')).toBe('tessera_ingest_gateway_events_received_total');
    expect(metricName('profile-merger', 'batch_duration', 'seconds', 'histogram')).toBe('tessera_profile_merger_batch_duration_seconds');
    expect(metricName('validation', 'consumer_lag', 'messages', 'gauge')).toBe('tessera_validation_consumer_lag_messages');
  });

  it.each([
    ['ingest_gateway_events_total', 'counter', /must start with "tessera_ingest_gateway_"/],
    ['tessera_validation_events_total', 'counter', /must start with "tessera_ingest_gateway_"/],
    ['tessera_ingest_gateway_EventsReceived_total', 'counter', /snake_case/],
    ['tessera_ingest_gateway_events_received', 'counter', /must end with "_total"/],
    ['tessera_ingest_gateway_lag_total', 'gauge', /must not end with "_total"/],
    ['tessera_ingest_gateway_lag', 'gauge', /<what>_<unit>/],
    ['tessera_ingest_gateway_request_duration_ms', 'histogram', /scaled unit "ms"/],
    ['tessera_ingest_gateway_payload_kilobytes', 'summary', /scaled unit "kilobytes"/],
  ] as const)('rejects %s as a %s', (name, type, message) => {
    expect(() => assertMetricName(name, 'ingest-gateway', type)).toThrow(MetricNameError);
    expect(() => assertMetricName(name, 'ingest-gateway', type)).toThrow(message);
  });
});

describe('createMetricsRegistry and ServiceMetrics', () => {
  it('exposes default metrics and service-labelled custom metrics', async () => {
    const registry = createMetricsRegistry('identity-resolver');
    const metrics = new ServiceMetrics(registry, 'identity-resolver');
    const merges = metrics.counter({ what: 'profile_merges', help: 'Profiles merged', labelNames: ['rule'] });
    merges.inc({ rule: 'shared_email' }, 2);
    metrics.histogram({ what: 'batch_duration', unit: 'seconds', help: 'Batch time', buckets: [0.1, 1] }).observe(0.5);

    const text = await registry.metrics();
    expect(text).toContain('tessera_identity_resolver_profile_merges_total{rule="shared_email",service="identity-resolver"} 2');
    expect(text).toContain('tessera_identity_resolver_batch_duration_seconds_bucket{le="1",service="identity-resolver"} 1');
    expect(text).toMatch(/process_cpu_user_seconds_total\{service="identity-resolver"\}/);
    expect(text).toMatch(/nodejs_eventloop_lag_seconds\{service="identity-resolver"\}/);
  });

  it('falls back to prom-client default buckets and percentiles when none are given', async () => {
    const registry = createMetricsRegistry('validation');
    const metrics = new ServiceMetrics(registry, 'validation');
    metrics.histogram({ what: 'slice_duration', unit: 'seconds', help: 'Slice time' }).observe(0.2);
    metrics.summary({ what: 'payload_size', unit: 'bytes', help: 'Payload size' }).observe(10);
    const text = await registry.metrics();
    expect(text).toContain('tessera_validation_slice_duration_seconds_bucket{le="0.25",service="validation"} 1');
    expect(text).toContain('tessera_validation_payload_size_bytes{quantile="0.5",service="validation"} 10');
  });

  it('keeps two services in one process apart', async () => {
    const first = new ServiceMetrics(createMetricsRegistry('validation', { defaultMetrics: false }), 'validation');
    const second = new ServiceMetrics(createMetricsRegistry('segment-evaluator', { defaultMetrics: false }), 'segment-evaluator');
    first.counter({ what: 'events_validated', help: 'x' }).inc();
    second.counter({ what: 'memberships_changed', help: 'x' }).inc(3);
    expect(await first.registry.metrics()).not.toContain('segment');
    expect(await second.registry.metrics()).toContain('tessera_segment_evaluator_memberships_changed_total{service="segment-evaluator"} 3');
  });

  it('returns the same metric when it is defined twice, and refuses a type clash', () => {
    const metrics = new ServiceMetrics(createMetricsRegistry('validation', { defaultMetrics: false }), 'validation');
    const first = metrics.gauge({ what: 'consumer_lag', unit: 'messages', help: 'Lag' });
    expect(metrics.gauge({ what: 'consumer_lag', unit: 'messages', help: 'Lag' })).toBe(first);
    expect(() => metrics.histogram({ what: 'consumer_lag', unit: 'messages', help: 'Lag' })).toThrow(/another type/);
  });

  it('refuses badly named metrics at definition time', () => {
    const metrics = new ServiceMetrics(createMetricsRegistry('validation', { defaultMetrics: false }), 'validation');
    expect(() => metrics.histogram({ what: 'latency', unit: 'ms', help: 'x' })).toThrow(MetricNameError);
    expect(() => metrics.gauge({ what: 'BadName', unit: 'messages', help: 'x' })).toThrow(MetricNameError);
  });
});
