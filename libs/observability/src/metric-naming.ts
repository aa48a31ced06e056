import { MetricNameError } from './metric-name.error';

/**
 * The metric naming convention, `tessera_<service>_<what>_<unit>`, checked in code so a dashboard never meets
 * a surprise name. Units are Prometheus base units (seconds, bytes) or counted things (messages, events...);
 * counters end in `_total`, nothing else does.
 */
export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary';

/** Scaled units that Prometheus conventions forbid: use seconds and bytes. */
const NON_BASE_UNITS = new Set([
  'ms',
  'milliseconds',
  'millis',
  'us',
  'microseconds',
  'ns',
  'nanoseconds',
  'minutes',
  'hours',
  'days',
  'kb',
  'kilobytes',
  'mb',
  'megabytes',
  'gb',
  'percent',
]);
const SNAKE_PART = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

/** `ingest-gateway` -> `ingest_gateway`: Prometheus names allow no dashes. */
export function metricServicePart(service: string): string {
  const part = service.replace(/-/g, '_');
  if (!SNAKE_PART.test(part)) throw new MetricNameError(`service "${service}" cannot be part of a metric name`);
  return part;
}

export function metricPrefix(service: string): string {
  return `tessera_${metricServicePart(service)}_`;
}

/** Builds a conforming name: counters get `_total` appended; the unit is optional only for counters. */
export function metricName(service: string, what: string, unit: string | undefined, type: MetricType): string {
  const parts = [what, unit].filter((part): part is string => part !== undefined && part !== '');
  const name = `${metricPrefix(service)}${parts.join('_')}${type === 'counter' ? '_total' : ''}`;
  assertMetricName(name, service, type);
  return name;
}

/** Throws MetricNameError unless `name` follows the convention for `service` and `type`. */
export function assertMetricName(name: string, service: string, type: MetricType): void {
  const prefix = metricPrefix(service);
  if (!name.startsWith(prefix)) throw new MetricNameError(`metric "${name}" must start with "${prefix}"`);
  const rest = name.slice(prefix.length);
  if (!SNAKE_PART.test(rest)) throw new MetricNameError(`metric "${name}" must be lowercase snake_case after "${prefix}"`);
  const words = rest.split('_');
  const endsWithTotal = words[words.length - 1] === 'total';
  if (type === 'counter' && !endsWithTotal) throw new MetricNameError(`counter "${name}" must end with "_total"`);
  if (type !== 'counter' && endsWithTotal) throw new MetricNameError(`${type} "${name}" must not end with "_total" (only counters do)`);
  const meaningful = endsWithTotal ? words.slice(0, -1) : words;
  const minimumWords = type === 'counter' ? 1 : 2;
  if (meaningful.length < minimumWords) {
    throw new MetricNameError(`${type} "${name}" must be ${prefix}<what>_<unit>${type === 'counter' ? '_total' : ''}`);
  }
  const scaled = meaningful.find((word) => NON_BASE_UNITS.has(word));
  if (scaled) throw new MetricNameError(`metric "${name}" uses the scaled unit "${scaled}"; use base units (seconds, bytes, ratio)`);
}
