import { ACTIVATION_DISPATCHER_ENV_SPEC, validateEnvironment, type EnvSource } from '@tessera/config';

/** How long the delivery log keeps finished deliveries (the ACTIVATION_*_RETENTION_* variables). */
export interface RetentionSettings {
  /** delivered, failed and suppressed rows, counted from finished_at. */
  deliveryRetentionMs: number;
  /** dead rows (the DLQ), counted from finished_at: longer, so they stay replayable. */
  dlqRetentionMs: number;
  pruneIntervalMs: number;
}

export const RETENTION_SETTINGS = Symbol('RETENTION_SETTINGS');

export function loadRetentionSettings(source: EnvSource = process.env): RetentionSettings {
  const env = validateEnvironment(ACTIVATION_DISPATCHER_ENV_SPEC, source);
  return {
    deliveryRetentionMs: env.ACTIVATION_DELIVERY_RETENTION_DAYS * 86_400_000,
    dlqRetentionMs: env.ACTIVATION_DLQ_RETENTION_DAYS * 86_400_000,
    pruneIntervalMs: env.ACTIVATION_PRUNE_INTERVAL_SECONDS * 1000,
  };
}
