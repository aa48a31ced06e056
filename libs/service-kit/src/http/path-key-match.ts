import { jsonPointer } from '@tessera/config';
import { invalidBody } from './json-body-validator';

/**
 * A PUT body may repeat the key its path names (`id`, a computed trait's `key`); a different one is a 400 at that
 * field, in the shape of every body error, rather than a silent rename.
 */
export function requireBodyKeyMatchesPath(bodyValue: string | undefined, pathValue: string, field = 'id'): void {
  if (bodyValue === undefined || bodyValue === pathValue) return;
  throw invalidBody([{ path: jsonPointer('', field), message: `must match the path ${field}` }]);
}
