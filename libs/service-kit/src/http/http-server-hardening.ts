import { BadRequestException } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { maxHeaderSize, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { pathWithoutQuery, reasonPhrase, type ErrorBody } from '../errors/error-body';

/** How long the HTTP server waits for a client. Each service may set its own (the gateway reads them from its environment). */
export interface HttpServerTimeouts {
  /** From the first byte of a request until its body is complete; past it the client gets 408 and the socket closes. */
  requestTimeoutMs: number;
  /** From the first byte of a request until its headers are complete (408 past it); at most requestTimeoutMs. */
  headersTimeoutMs: number;
  /** How long a keep-alive socket may sit idle between requests before the server closes it. */
  keepAliveTimeoutMs: number;
  /** Socket inactivity (no byte either way) after which the socket is closed; 0 never. Must outlast the longest handler. */
  connectionTimeoutMs: number;
}

/**
 * Bounded by default for every service. No socket inactivity limit: an admin call may legitimately work for a
 * long time without a byte on the wire, and the other three already bound every client that is still sending.
 * The keep-alive timeout outlasts the 60 s idle timeout of common load balancers (AWS ALB, nginx), so the
 * balancer, not the service, closes an idle connection first and never reuses one the service is closing.
 */
export const DEFAULT_HTTP_TIMEOUTS: HttpServerTimeouts = {
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 65_000,
  connectionTimeoutMs: 0,
};

/** Node checks its request and headers deadlines on an interval (30 s by default), which would stretch a 30 s limit to 60 s. */
function checkingIntervalMs(timeouts: HttpServerTimeouts): number {
  const shortest = Math.min(timeouts.headersTimeoutMs, timeouts.requestTimeoutMs);
  return Math.max(50, Math.min(1_000, Math.floor(shortest / 10)));
}

/** The request a socket is serving, so an error on the socket can name its path and not answer twice. */
interface InFlight {
  path: string;
  response: ServerResponse;
}

/**
 * Errors that never reach Nest's exception filter (Node's HTTP parser, Fastify's router, a request arriving while
 * the server closes) answer with the same JSON body as every other error: `{ statusCode, error, message, path }`.
 * One instance per server: it remembers which request each socket is serving.
 */
export class HttpServerHardening {
  private readonly inFlight = new WeakMap<Socket, InFlight>();
  private closing = false;

  constructor(readonly timeouts: HttpServerTimeouts) {}

  /** Options for `new FastifyAdapter(...)`: the timeouts and the handlers of framework-level errors. */
  fastifyOptions(): FastifyServerOptions {
    const { timeouts } = this;
    const headersTimeout = Math.min(timeouts.headersTimeoutMs, timeouts.requestTimeoutMs);
    return {
      requestTimeout: timeouts.requestTimeoutMs,
      keepAliveTimeout: timeouts.keepAliveTimeoutMs,
      connectionTimeout: timeouts.connectionTimeoutMs,
      // Passed to http.createServer; Fastify sets requestTimeout and keepAliveTimeout on the server afterwards.
      http: { headersTimeout, connectionsCheckingInterval: checkingIntervalMs(timeouts) },
      // Answered by the onRequest hook below instead, in the shared shape.
      return503OnClosing: false,
      frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
        const statusCode = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 400;
        const message = error.code === 'FST_ERR_BAD_URL' ? `the URL is not valid: ${error.message}` : error.message;
        void sendError(reply, statusCode, message, pathWithoutQuery(request.raw.url));
      },
      clientErrorHandler: (error: Error, socket: Socket) => this.onClientError(error, socket),
    } as FastifyServerOptions;
  }

  /** Hooks on the running app: NUL bytes in the URL, 503 while closing, and the per-socket request record. */
  install(app: NestFastifyApplication): void {
    const fastify = app.getHttpAdapter().getInstance();
    fastify.addHook('preClose', (done) => {
      this.closing = true;
      done();
    });
    fastify.addHook('onRequest', (request, reply, done) => {
      const url = request.raw.url ?? '/';
      this.inFlight.set(request.raw.socket, { path: pathWithoutQuery(url), response: reply.raw });
      if (this.closing) {
        void reply.header('connection', 'close');
        void sendError(reply, 503, 'the service is shutting down; retry on another instance', pathWithoutQuery(url));
        return;
      }
      // Decoded, %00 becomes a NUL character in a path parameter or query value, which Postgres refuses in text and
      // which no Tessera identifier may hold. Every other way to spell NUL fails to decode and is a bad URL already.
      if (url.includes('%00')) {
        done(new BadRequestException('the request path or query contains a NUL character (%00)'));
        return;
      }
      done();
    });
    fastify.addHook('onResponse', (request, reply, done) => {
      const { socket } = request.raw;
      const release = () => {
        if (this.inFlight.get(socket)?.response === reply.raw) this.inFlight.delete(socket);
      };
      // Answered before its body was all read (a 404, a body over the limit): the socket stays this request's until
      // the rest arrives, or the request timeout closes it without a second answer.
      if (request.raw.complete) release();
      else request.raw.once('end', release);
      done();
    });
  }

  /**
   * Node's HTTP server reports here what it cannot hand to a request handler: a request that timed out (408), headers
   * over the size limit (431), bytes that are not HTTP (400). Fastify's default answers without `path`.
   */
  private onClientError(error: Error, socket: Socket): void {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ECONNRESET' || socket.destroyed) return;
    const current = this.inFlight.get(socket);
    this.inFlight.delete(socket);
    // The request was answered already (e.g. a 400 for a body too large while the client kept sending): only close.
    if (current?.response.headersSent) {
      socket.destroy();
      return;
    }
    const { statusCode, message } = this.describe(error);
    const path = current?.path ?? requestLinePath((error as { rawPacket?: unknown }).rawPacket) ?? '/';
    const body: ErrorBody = { statusCode, error: reasonPhrase(statusCode), message, path };
    const json = JSON.stringify(body);
    if (socket.writable) {
      socket.write(
        `HTTP/1.1 ${statusCode} ${reasonPhrase(statusCode)}\r\nContent-Type: application/json; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
      );
    }
    socket.destroy();
  }

  private describe(error: Error): { statusCode: number; message: string } {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const { requestTimeoutMs, headersTimeoutMs } = this.timeouts;
    if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      return {
        statusCode: 408,
        message: `the request did not arrive in time: headers are due within ${Math.min(headersTimeoutMs, requestTimeoutMs)} ms and the whole body within ${requestTimeoutMs} ms`,
      };
    }
    if (code === 'HPE_HEADER_OVERFLOW') {
      return { statusCode: 431, message: `the request headers are larger than the ${maxHeaderSize / 1024} KB limit` };
    }
    if (code === 'HPE_URI_TOO_LONG' || code === 'HPE_HEADERS_OVERFLOW') {
      return { statusCode: 431, message: `the request line or headers are larger than the ${maxHeaderSize / 1024} KB limit` };
    }
    return { statusCode: 400, message: `malformed HTTP request${code.startsWith('HPE_') ? ` (${code})` : ''}` };
  }
}

function sendError(reply: FastifyReply, statusCode: number, message: string, path: string): FastifyReply {
  const body: ErrorBody = { statusCode, error: reasonPhrase(statusCode), message, path };
  return reply.code(statusCode).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));
}

/** The path of the request line at the start of what the parser had read, when it got that far. */
function requestLinePath(rawPacket: unknown): string | undefined {
  if (!Buffer.isBuffer(rawPacket)) return undefined;
  const line = /^[A-Z]+ (\S+) HTTP\/\d/.exec(rawPacket.subarray(0, 8_192).toString('latin1'));
  return line ? pathWithoutQuery(line[1]).slice(0, 2_000) : undefined;
}
