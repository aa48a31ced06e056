/** What the relay thread is started with (structured-cloned into it). */
export interface RelayThreadData {
  service: string;
  clientId: string;
  brokers: string[];
  databaseUrl: string;
  schema: string;
  logLevel: string;
  /** How often the thread reports its metrics (counter totals) to the main thread. */
  metricsIntervalMs: number;
}

/** Messages between the threads. */
export type RelayThreadReport = { kind: 'started' } | { kind: 'metrics'; metrics: unknown[] } | { kind: 'stopped' };
export type RelayThreadCommand = { kind: 'stop' };
