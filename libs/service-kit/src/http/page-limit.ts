import { BadRequestException } from '@nestjs/common';

/** The `?limit=` of a paged list: an integer from 1 to `max`; `fallback` when absent or empty. Otherwise a 400. */
export function pageLimit(raw: string | number | undefined, fallback: number, max = 1000): number {
  if (raw === undefined || raw === '') return fallback;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw new BadRequestException(`limit must be an integer from 1 to ${max}`);
  return limit;
}
