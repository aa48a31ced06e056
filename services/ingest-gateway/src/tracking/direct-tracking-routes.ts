import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { SegmentCallType } from './segment-event-mapper';
import { TrackingEndpoints, type TrackingAnswer } from './tracking-endpoints';

type DirectHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<TrackingAnswer>;

const SINGLE_CALL_PATHS = new Map<string, SegmentCallType>([
  ['/v1/track', 'track'],
  ['/v1/t', 'track'],
  ['/v1/identify', 'identify'],
  ['/v1/i', 'identify'],
  ['/v1/page', 'page'],
  ['/v1/p', 'page'],
  ['/v1/screen', 'screen'],
  ['/v1/s', 'screen'],
  ['/v1/group', 'group'],
  ['/v1/g', 'group'],
  ['/v1/alias', 'alias'],
  ['/v1/a', 'alias'],
]);
const BATCH_PATHS = new Set(['/v1/batch', '/v1/import', '/v1/b']);
/** Every path of the Segment HTTP Tracking API the gateway serves. */
export const TRACKING_PATHS: ReadonlySet<string> = new Set([...SINGLE_CALL_PATHS.keys(), ...BATCH_PATHS]);

/**
 * Serves the tracking routes TrackingController declares straight from Fastify, without Nest's router pipeline
 * (argument resolution, response controller, per-request promise wrappers), which cost a single /v1/track call
 * about as much CPU as the rest of its handling. Fastify lets an onRoute hook replace a route's handler as it is
 * registered, so the controller keeps declaring the routes (and the OpenAPI document keeps describing them) while
 * requests go to TrackingEndpoints directly. What is around the handler does not change: the same body parser,
 * Fastify hooks (request log, HTTP metrics, draining), and errors thrown here reach Nest's exception layer through
 * Fastify's error handler, so they leave as the same JSON as before. The controller has no guards, pipes or
 * interceptors to skip. The hook is added when this provider is built, which Nest does before it registers routes.
 */
@Injectable()
export class DirectTrackingRoutes {
  private readonly served: string[] = [];

  constructor(
    adapterHost: HttpAdapterHost,
    private readonly endpoints: TrackingEndpoints,
  ) {
    const fastify = adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify || typeof fastify.addHook !== 'function') return;
    fastify.addHook('onRoute', (route: RouteOptions) => {
      const handler = route.method === 'POST' ? this.handlerFor(route.url) : undefined;
      if (!handler) return;
      route.handler = handler;
      this.served.push(route.url);
    });
  }

  /** The paths whose requests bypass Nest's router (none when the app does not run on Fastify). */
  get servedPaths(): readonly string[] {
    return this.served;
  }

  private handlerFor(url: string): DirectHandler | undefined {
    const type = SINGLE_CALL_PATHS.get(url);
    if (type !== undefined) return (request, reply) => this.endpoints.single(type, request, reply, request.body);
    if (BATCH_PATHS.has(url)) return (request, reply) => this.endpoints.batch(request, reply, request.body);
    return undefined;
  }
}
