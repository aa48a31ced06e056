import { BadRequestException, Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Registry } from '@tessera/observability';
import { METRICS_REGISTRY, SERVICE_KIT_OPTIONS, type ResolvedServiceKitOptions } from '@tessera/service-kit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { bodyLimitFor } from './body-limits';
import { BodyRejected, readBoundedBody } from './bounded-body-reader';
import { BodyParsingMetrics } from './metrics';

const JSON_TYPES = ['application/json', 'text/plain'];

/**
 * The decompressed body of each parsed request: its size drives checks that only matter on large bodies (per-event
 * size in a batch), and the tracking endpoints copy the JSON text of properties and context from it as sent.
 */
const rawBodies = new WeakMap<FastifyRequest, Buffer>();

export function bodyBytesOf(request: FastifyRequest): number {
  return rawBodies.get(request)?.length ?? 0;
}

/** The decompressed bytes JSON.parse read, when this parser parsed the request's body. */
export function rawBodyOf(request: FastifyRequest): Buffer | undefined {
  return rawBodies.get(request);
}

/**
 * Replaces Fastify's JSON parser (installed by Nest) with one that accepts gzip bodies, applies the per-route
 * Segment limits to the decompressed size, and answers 400 JSON for every body it cannot use. text/plain is
 * parsed as JSON too: browser beacons send JSON with that type to avoid a CORS preflight.
 */
@Injectable()
export class IngestBodyParser implements OnModuleInit {
  private readonly metrics: BodyParsingMetrics;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(SERVICE_KIT_OPTIONS) options: ResolvedServiceKitOptions,
  ) {
    this.metrics = new BodyParsingMetrics(registry, options.name);
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    for (const type of JSON_TYPES) {
      if (fastify.hasContentTypeParser(type)) fastify.removeContentTypeParser(type);
    }
    fastify.addContentTypeParser(JSON_TYPES, (request: FastifyRequest, payload: Readable) => this.parse(request, payload));
  }

  private async parse(request: FastifyRequest, payload: Readable): Promise<unknown> {
    const route = request.routeOptions.url;
    try {
      const limit = bodyLimitFor(route);
      const body = await readBoundedBody(payload, header(request, 'content-encoding'), header(request, 'content-length'), limit);
      if (body.length === 0) throw new BodyRejected('empty', new BadRequestException('request body is empty; expected a JSON object'));
      rawBodies.set(request, body);
      try {
        return JSON.parse(body.toString('utf8'));
      } catch (error) {
        throw new BodyRejected('invalid_json', new BadRequestException(`request body is not valid JSON: ${(error as Error).message}`));
      }
    } catch (error) {
      if (!(error instanceof BodyRejected)) throw error;
      this.metrics.rejected.inc({ route: route ?? 'unmatched', reason: error.reason });
      throw error.httpError;
    }
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
