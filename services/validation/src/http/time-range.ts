import { BadRequestException } from '@nestjs/common';
import { parseIsoTimestamp } from '@tessera/contracts';

/** Query-string instants: ISO-8601 (2026-11-22T08:00:00Z, or a date) or epoch milliseconds. */
export function parseInstant(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (/^\d{1,15}$/.test(value)) return Number(value);
  const parsed = parseIsoTimestamp(value);
  if (parsed === undefined)
    throw new BadRequestException(`${name} must be an ISO-8601 date-time or epoch milliseconds, got ${JSON.stringify(value.slice(0, 60))}`);
  return parsed;
}
