/** What the relay thread is started with (structured-cloned into it). */
export interface RelayThreadData {
  service: string;
  clientId: string;
  brokers: string[];
  databaseUrl: string;
  schema: string;
  logLevel: string;
  /** The outbox's OUTBOX_MEMORY_KEY_SQL: the relay thread remembers the rows the main thread forwards under it. */
  memoryKey: string;
  /** How often the thread reports its metrics (counter totals) to the main thread. */
  metricsIntervalMs: number;
}

/** Messages between the threads. */
export type RelayThreadReport = { kind: 'started' } | { kind: 'metrics'; metrics: unknown[] } | { kind: 'stopped' };
/** `row`: a packed outbox row the main thread just inserted (not yet committed), so the relay need not read it back. */
export type RelayThreadCommand = { kind: 'row'; id: string; packed: Uint8Array } | { kind: 'stop' };
