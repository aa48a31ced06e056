import { makeValidator } from 'envalid';
import { getCountries } from 'libphonenumber-js';
import { int } from '../env-validators';

const REGIONS = new Set<string>(getCountries());

/** '' (none) or an ISO 3166 region libphonenumber knows, upper-cased. */
const phoneRegion = makeValidator<string>((input) => {
  const region = input.trim().toUpperCase();
  if (region !== '' && !REGIONS.has(region)) throw new Error('must be an ISO 3166-1 alpha-2 region such as US or DE');
  return region;
});

/**
 * validation's own variables, on top of the shared ones. They live here, not in the service, so the deploy-file
 * test (tools may not import services) can hold docker-compose.yml and deploy/k8s to them.
 */
export const VALIDATION_ENV_SPEC = {
  VALIDATION_DEDUPE_WINDOW_HOURS: int(
    1,
    24 * 90,
  )({ default: 24 * 7, desc: 'How long an accepted (sourceId, messageId) blocks a duplicate' }),
  VALIDATION_PRUNE_INTERVAL_SECONDS: int(
    1,
    86_400,
  )({ default: 600, desc: 'How often expired dedupe keys and expired rejections are deleted' }),
  VALIDATION_REJECTIONS_RETENTION_DAYS: int(1, 3650)({ default: 30, desc: 'How long stored rejections stay browsable and replayable' }),
  VALIDATION_DEFAULT_PHONE_REGION: phoneRegion({
    default: '',
    desc: 'ISO 3166 region for phones without a country code, unless the source sets one',
  }),
  VALIDATION_MAX_FUTURE_SKEW_SECONDS: int(
    0,
    365 * 86_400,
  )({ default: 86_400, desc: 'How far ahead of receivedAt an event time may be before it is replaced by receivedAt' }),
};
