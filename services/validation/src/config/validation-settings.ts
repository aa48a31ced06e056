import { validateEnvironment, VALIDATION_ENV_SPEC, type EnvSource } from '@tessera/config';

// VALIDATION_ENV_SPEC lives in @tessera/config so the deploy-file test can hold compose and k8s to it.

export interface ValidationSettings {
  dedupeWindowMs: number;
  /** Also the interval of the rejections-retention pass. */
  /** How often each pruner (expired dedupe keys, expired rejections) runs. */
  pruneIntervalMs: number;
  rejectionsRetentionMs: number;
  /** Empty when unset: phones then need a +country prefix unless the source configures a region. */
  defaultPhoneRegion: string;
  /** An event time further than this ahead of receivedAt is replaced by receivedAt. */
  maxFutureSkewMs: number;
}

export const VALIDATION_SETTINGS = Symbol('VALIDATION_SETTINGS');

export function loadValidationSettings(source: EnvSource = process.env): ValidationSettings {
  const env = validateEnvironment(VALIDATION_ENV_SPEC, source);
  return {
    dedupeWindowMs: env.VALIDATION_DEDUPE_WINDOW_HOURS * 3_600_000,
    pruneIntervalMs: env.VALIDATION_PRUNE_INTERVAL_SECONDS * 1000,
    rejectionsRetentionMs: env.VALIDATION_REJECTIONS_RETENTION_DAYS * 86_400_000,
    defaultPhoneRegion: env.VALIDATION_DEFAULT_PHONE_REGION,
    maxFutureSkewMs: env.VALIDATION_MAX_FUTURE_SKEW_SECONDS * 1000,
  };
}
