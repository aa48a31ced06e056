import { int, makeValidator, validateEnvironment, type EnvSource } from '@tessera/config';
import { getCountries } from 'libphonenumber-js';

const REGIONS = new Set<string>(getCountries());

/** '' (none) or an ISO 3166 region libphonenumber knows, upper-cased. */
const phoneRegion = makeValidator<string>((input) => {
  const region = input.trim().toUpperCase();
  if (region !== '' && !REGIONS.has(region)) throw new Error('must be an ISO 3166-1 alpha-2 region such as US or DE');
  return region;
});

/** validation's own environment, on top of the shared variables every service reads. */
export const VALIDATION_ENV_SPEC = {
  VALIDATION_DEDUPE_WINDOW_HOURS: int(1, 24 * 90)({ default: 24 * 7, desc: 'How long an accepted (sourceId, messageId) blocks a duplicate' }),
  VALIDATION_DEDUPE_PRUNE_INTERVAL_SECONDS: int(1, 86_400)({ default: 600, desc: 'How often expired dedupe keys are deleted' }),
  VALIDATION_REJECTIONS_RETENTION_DAYS: int(1, 3650)({ default: 30, desc: 'How long stored rejections stay browsable and replayable' }),
  VALIDATION_DEFAULT_PHONE_REGION: phoneRegion({ default: '', desc: 'ISO 3166 region for phones without a country code, unless the source sets one' }),
};

export interface ValidationSettings {
  dedupeWindowMs: number;
  /** Also the interval of the rejections-retention pass. */
  dedupePruneIntervalMs: number;
  rejectionsRetentionMs: number;
  /** Empty when unset: phones then need a +country prefix unless the source configures a region. */
  defaultPhoneRegion: string;
}

export const VALIDATION_SETTINGS = Symbol('VALIDATION_SETTINGS');

export function loadValidationSettings(source: EnvSource = process.env): ValidationSettings {
  const env = validateEnvironment(VALIDATION_ENV_SPEC, source);
  return {
    dedupeWindowMs: env.VALIDATION_DEDUPE_WINDOW_HOURS * 3_600_000,
    dedupePruneIntervalMs: env.VALIDATION_DEDUPE_PRUNE_INTERVAL_SECONDS * 1000,
    rejectionsRetentionMs: env.VALIDATION_REJECTIONS_RETENTION_DAYS * 86_400_000,
    defaultPhoneRegion: env.VALIDATION_DEFAULT_PHONE_REGION,
  };
}
