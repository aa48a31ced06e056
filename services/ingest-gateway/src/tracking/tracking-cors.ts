import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { TRACKING_PATHS } from './direct-tracking-routes';

type CorsOptions = { origin: boolean; methods?: string[]; credentials?: boolean; maxAge?: number };

/**
 * Browser SDKs post from the customer's site, another origin. Chromium sent a preflight before every call of
 * analytics.js (analytics-next; browser-sdk.int.spec.ts), as it does for any SDK that sends `Authorization` or
 * `application/json` (RudderStack's JS SDK); without an answer the browser never sends the events at all, and an SDK
 * that cannot read an answer counts the call as failed. So the tracking routes answer CORS for any origin: they authenticate by write key, never
 * by cookie, so a page of any origin gains nothing it could not do with the key alone. The admin routes stay without
 * CORS. The request headers a preflight asks for are allowed back as asked (@fastify/cors's default).
 */
const TRACKING_CORS: CorsOptions = { origin: true, methods: ['POST'], credentials: true, maxAge: 86_400 };
const NO_CORS: CorsOptions = { origin: false };

@Injectable()
export class TrackingCors {
  constructor(adapterHost: HttpAdapterHost) {
    // @fastify/cors (through Nest's Fastify adapter) calls this per request with (request, callback)
    adapterHost.httpAdapter?.enableCors((request: FastifyRequest, done: (err: Error | null, options: CorsOptions) => void) => {
      const path = request.url.split('?', 1)[0];
      done(null, TRACKING_PATHS.has(path) ? TRACKING_CORS : NO_CORS);
    });
  }
}
