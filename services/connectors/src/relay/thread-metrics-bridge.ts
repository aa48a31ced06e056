import { Counter, type Registry } from 'prom-client';

/** One metric of a registry's getMetricsAsJSON(), as far as the bridge reads it. */
interface MetricSnapshot {
  name: string;
  help: string;
  type: string;
  values: { value: number; labels: Record<string, string | number> }[];
}

/**
 * Carries the counters of a thread's own registry (the relay thread's `tessera_<service>_outbox_*` and
 * `_producer_*` totals) into the service's registry, which /metrics serves: each snapshot's increase since the last
 * one is added to a counter of the same name and labels. Counters only: a gauge or histogram of another thread
 * has no meaningful sum with this one's. The registries' default `service` label is the service's own.
 */
export class ThreadMetricsBridge {
  private last = new Map<string, number>();

  constructor(private readonly registry: Registry) {}

  /** A new thread counts from zero again. */
  reset(): void {
    this.last = new Map();
  }

  apply(snapshot: readonly unknown[]): void {
    for (const metric of snapshot as MetricSnapshot[]) {
      if (metric.type !== 'counter') continue;
      let counter: Counter<string> | undefined;
      for (const { value, labels } of metric.values) {
        const own = withoutServiceLabel(labels);
        const key = `${metric.name}${JSON.stringify(own)}`;
        const increase = value - (this.last.get(key) ?? 0);
        this.last.set(key, value);
        if (increase <= 0) continue;
        counter ??= this.counter(metric, Object.keys(own));
        counter.inc(own, increase);
      }
    }
  }

  private counter(metric: MetricSnapshot, labelNames: string[]): Counter<string> {
    const existing = this.registry.getSingleMetric(metric.name);
    if (existing) return existing as Counter<string>;
    return new Counter({ name: metric.name, help: metric.help, labelNames, registers: [this.registry] });
  }
}

function withoutServiceLabel(labels: Record<string, string | number>): Record<string, string | number> {
  const own: Record<string, string | number> = {};
  for (const name in labels) if (name !== 'service') own[name] = labels[name];
  return own;
}
