import { CONNECTORS_ENV_SPEC, validateEnvironment, type EnvSource } from '@tessera/config';

export interface ConnectorSettings {
  /** How often the run worker and the scheduler look for work. */
  pollMs: number;
  /** A claimed run's lease; renewed at every checkpoint and by a heartbeat every third of it. */
  leaseMs: number;
  /** Runs one process executes at once. */
  maxConcurrentRuns: number;
  /** Records kept in memory until the connector's next checkpoint; beyond it the run fails. */
  maxUncheckpointedRecords: number;
  /** Row keys an incremental run may leave uncompacted (sync/row-key-log.ts; not an environment variable: tests lower it). */
  rowKeyCompactionMinimum?: number;
}

export const CONNECTOR_SETTINGS = Symbol('CONNECTOR_SETTINGS');

export function loadConnectorSettings(source: EnvSource = process.env): ConnectorSettings {
  const env = validateEnvironment(CONNECTORS_ENV_SPEC, source);
  return {
    pollMs: env.CONNECTORS_POLL_MS,
    leaseMs: env.CONNECTORS_LEASE_MS,
    maxConcurrentRuns: env.CONNECTORS_MAX_CONCURRENT_RUNS,
    maxUncheckpointedRecords: env.CONNECTORS_MAX_UNCHECKPOINTED_RECORDS,
  };
}
