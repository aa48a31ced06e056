import { isSupportedCountry } from 'libphonenumber-js';
import type { ConfigProblem } from '../destination';

/** A defaultCountry libphonenumber cannot use would silently drop every national-format phone number. */
export function countryProblems(country: string | undefined): ConfigProblem[] {
  return country && !isSupportedCountry(country)
    ? [{ path: '/config/defaultCountry', message: `is not a country libphonenumber knows: ${country}` }]
    : [];
}
