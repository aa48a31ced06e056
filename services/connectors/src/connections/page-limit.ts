import { BadRequestException } from '@nestjs/common';

/** The `?limit=` of a paged list: 1 to 1000, `fallback` when absent. */
export function pageLimit(raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new BadRequestException('limit must be an integer from 1 to 1000');
  return limit;
}
