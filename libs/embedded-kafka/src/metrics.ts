import * as http from 'node:http';
import { Counter, Gauge, Registry } from 'prom-client';
import type { LogStore } from './storage';

/** The broker's own prom-client registry (never the global one, so several brokers can share a process). */
export class BrokerMetrics {
  readonly registry = new Registry();
  readonly bytesIn = new Counter({
    name: 'tessera_broker_bytes_in_total',
    help: 'Request bytes received, frames included',
    registers: [this.registry],
  });
  readonly bytesOut = new Counter({
    name: 'tessera_broker_bytes_out_total',
    help: 'Response bytes sent, frames included',
    registers: [this.registry],
  });
  readonly requests = new Counter({
    name: 'tessera_broker_requests_total',
    help: 'Requests handled, by API name',
    labelNames: ['api'] as const,
    registers: [this.registry],
  });

  constructor(store: LogStore) {
    // Collected on scrape, so appends pay nothing for this gauge.
    new Gauge({
      name: 'tessera_broker_log_end_offset',
      help: 'Log end offset (next offset to be written) per partition',
      labelNames: ['topic', 'partition'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const topic of store.listTopics()) {
          for (let partition = 0; partition < topic.partitions; partition++) {
            const log = store.partition(topic.name, partition);
            if (log) this.set({ topic: topic.name, partition: String(partition) }, log.logEndOffset);
          }
        }
      },
    });
  }
}

/** Serves GET /metrics over plain HTTP; resolves with the bound port. */
export function serveMetrics(metrics: BrokerMetrics, port: number, host: string): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    metrics.registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body),
      (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(error)}\n`),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
