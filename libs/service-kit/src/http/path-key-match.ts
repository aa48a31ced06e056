import { BadRequestException } from '@nestjs/common';
import { jsonPointer } from '@tessera/config';

/**
 * A PUT body may repeat the key its path names (`id`, a computed trait's `key`); a different one is a 400 at that
 * field, in the shape of every body error, rather than a silent rename.
 */
export function requireBodyKeyMatchesPath(bodyValue: string | undefined, pathValue: string, field = 'id'): void {
  if (bodyValue === undefined || bodyValue === pathValue) return;
  const path = jsonPointer('', field);
  const message = `must match the path ${field}`;
  throw new BadRequestException({ message: `body${path} ${message}`, details: [{ path, message }] });
}
