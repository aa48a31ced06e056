import { BadRequestException, Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Registry } from '@tessera/observability';
import { METRICS_REGISTRY, SERVICE_KIT_OPTIONS, type ResolvedServiceKitOptions } from '@tessera/service-kit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { bodyLimitFor } from './body-limits';
import { BodyRejected } from './body-rejected.error';
import { readBoundedBody } from './bounded-body-reader';
import { BodyParsingMetrics } from './metrics';
import { MAX_NESTING_DEPTH, nestingTooDeep } from './nesting-limit';

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
 * Every body the gateway takes is JSON, whatever its Content-Type says. SDKs disagree about the type: browser beacons
 * send text/plain to avoid a CORS preflight, the RudderStack Node SDK sends a gzipped JSON batch as
 * application/x-www-form-urlencoded (axios's default for a Buffer), others send none or application/octet-stream.
 * So Fastify's parsers (JSON, text, and the form parser Nest installs) are all replaced by one that reads any body
 * the same way: gzip, deflate or brotli by Content-Encoding, the per-route Segment limits applied to the
 * decompressed size, the documented nesting limit, then JSON.parse. A body it cannot use is a 400 JSON error.
 *
 * The Content-Type header itself is set aside before Fastify looks at it, since a header that is not a valid media
 * type (`garbage`) would otherwise get a 415 before any parser runs: a request with a body goes to this parser
 * whatever its type, one without a body (no Content-Length, or 0, and no Transfer-Encoding) reaches its handler
 * with no body, which the handler answers (an ingest route: 400 "body is empty").
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
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', (request: FastifyRequest, payload: Readable) => this.parse(request, payload));
    fastify.addHook('onRequest', (request, _reply, done) => {
      const { headers } = request.raw;
      const length = headers['content-length'];
      if (headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0'))
        headers['content-type'] = 'application/json';
      else delete headers['content-type'];
      done();
    });
  }

  private async parse(request: FastifyRequest, payload: Readable): Promise<unknown> {
    const route = request.routeOptions.url;
    try {
      const limit = bodyLimitFor(route);
      const body = await readBoundedBody(payload, header(request, 'content-encoding'), header(request, 'content-length'), limit);
      if (body.length === 0) throw new BodyRejected('empty', new BadRequestException('request body is empty; expected a JSON object'));
      const tooDeep = nestingTooDeep(body);
      if (tooDeep !== undefined) {
        throw new BodyRejected(
          'too_deep',
          new BadRequestException({
            message: `body nests objects and arrays more than ${MAX_NESTING_DEPTH} levels deep, at ${tooDeep}`,
            details: [{ path: tooDeep, message: `nests deeper than the ${MAX_NESTING_DEPTH} level limit` }],
          }),
        );
      }
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
