import { Counter, Gauge, Histogram, Summary, type Metric, type Registry } from 'prom-client';
import { metricName, type MetricType } from './metric-naming';

interface MetricDefinition<L extends string> {
  /** What is measured, snake_case, e.g. `events_received` or `batch_duration`. */
  what: string;
  help: string;
  labelNames?: readonly L[];
}

export interface CounterDefinition<L extends string> extends MetricDefinition<L> {
  /** Optional unit before `_total`, e.g. `bytes` in `..._received_bytes_total`. */
  unit?: string;
}

export interface GaugeDefinition<L extends string> extends MetricDefinition<L> {
  unit: string;
  /** Called on each scrape, for values read on demand (e.g. consumer lag). */
  collect?: (this: Gauge<L>) => void | Promise<void>;
}

export interface HistogramDefinition<L extends string> extends MetricDefinition<L> {
  unit: string;
  buckets?: number[];
}

export interface SummaryDefinition<L extends string> extends MetricDefinition<L> {
  unit: string;
  percentiles?: number[];
}

/**
 * Defines a service's metrics in its registry with names built (and checked) by the naming convention.
 * Defining the same metric twice returns the first instance, so a feature's metrics.ts factory may be called
 * from several places (two consumers, a re-created module) without "already registered" errors.
 */
export class ServiceMetrics {
  constructor(
    readonly registry: Registry,
    readonly service: string,
  ) {}

  counter<L extends string = string>(definition: CounterDefinition<L>): Counter<L> {
    const name = metricName(this.service, definition.what, definition.unit, 'counter');
    return (
      this.existing(name, 'counter', Counter) ??
      new Counter<L>({ name, help: definition.help, labelNames: definition.labelNames ?? [], registers: [this.registry] })
    );
  }

  gauge<L extends string = string>(definition: GaugeDefinition<L>): Gauge<L> {
    const name = metricName(this.service, definition.what, definition.unit, 'gauge');
    return (
      this.existing(name, 'gauge', Gauge) ??
      new Gauge<L>({
        name,
        help: definition.help,
        labelNames: definition.labelNames ?? [],
        collect: definition.collect,
        registers: [this.registry],
      })
    );
  }

  histogram<L extends string = string>(definition: HistogramDefinition<L>): Histogram<L> {
    const name = metricName(this.service, definition.what, definition.unit, 'histogram');
    return (
      this.existing(name, 'histogram', Histogram) ??
      // prom-client replaces its defaults with an explicit `buckets: undefined` and then fails: pass only what is set.
      new Histogram<L>({
        name,
        help: definition.help,
        labelNames: definition.labelNames ?? [],
        ...(definition.buckets ? { buckets: definition.buckets } : {}),
        registers: [this.registry],
      })
    );
  }

  summary<L extends string = string>(definition: SummaryDefinition<L>): Summary<L> {
    const name = metricName(this.service, definition.what, definition.unit, 'summary');
    return (
      this.existing(name, 'summary', Summary) ??
      new Summary<L>({
        name,
        help: definition.help,
        labelNames: definition.labelNames ?? [],
        ...(definition.percentiles ? { percentiles: definition.percentiles } : {}),
        registers: [this.registry],
      })
    );
  }

  private existing<T extends Metric>(name: string, type: MetricType, kind: abstract new (...args: never[]) => T): T | undefined {
    const found = this.registry.getSingleMetric(name);
    if (!found) return undefined;
    if (!(found instanceof kind)) throw new Error(`metric ${name} is already registered with another type than ${type}`);
    return found;
  }
}
