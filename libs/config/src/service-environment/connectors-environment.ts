import { int } from '../env-validators';

/** connectors' own variables (see VALIDATION_ENV_SPEC for why they live here). */
export const CONNECTORS_ENV_SPEC = {
  CONNECTORS_POLL_MS: int(
    10,
    60_000,
  )({
    default: 500,
    desc: 'How often the run worker looks for queued runs (and runs whose lease ran out) and the scheduler for due connections',
  }),
  CONNECTORS_LEASE_MS: int(
    500,
    3_600_000,
  )({
    default: 30_000,
    desc: 'How long a claimed run stays leased without a heartbeat; a run of a crashed process is resumed from its last checkpoint after it',
  }),
  CONNECTORS_MAX_CONCURRENT_RUNS: int(
    1,
    100,
  )({ default: 4, desc: 'Runs one process executes at once (each connection has at most one run at a time anyway)' }),
  CONNECTORS_MAX_UNCHECKPOINTED_RECORDS: int(
    100,
    10_000_000,
  )({
    default: 200_000,
    desc: "Records held in memory waiting for the connector's next checkpoint; a connector that emits more without one fails its run",
  }),
};
