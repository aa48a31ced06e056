import type { Counter, Registry } from '@tessera/observability';
import { ServiceMetrics } from '@tessera/observability';

export type BodyRejection = 'too_large' | 'too_deep' | 'invalid_json' | 'bad_encoding' | 'empty' | 'incomplete';

/** Request bodies refused before any handler saw them (size, gzip, JSON). */
export class BodyParsingMetrics {
  readonly rejected: Counter<'route' | 'reason'>;

  constructor(registry: Registry, service: string) {
    this.rejected = new ServiceMetrics(registry, service).counter({
      what: 'request_bodies_rejected',
      help: 'Request bodies answered 4xx by the body parser, by route and reason (too_large, too_deep, invalid_json, bad_encoding, empty, incomplete)',
      labelNames: ['route', 'reason'],
    });
  }
}
