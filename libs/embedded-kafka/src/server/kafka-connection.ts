import type { Socket } from 'node:net';
import {
  ApiKey,
  API_VERSIONS,
  apiVersionsResponseBody,
  decodeRequest,
  encodeResponse,
  ErrorCode,
  MalformedRequestError,
  UnsupportedVersionError,
  type MessageBody,
  type RequestHeader,
} from '../protocol';
import type { BrokerContext } from './broker-context';
import { FrameDecoder } from './frame-decoder';
import { HANDLERS } from './handler-registry';
import { CloseConnection, DeferredResponse } from './request-handler';

/** Frames waiting behind the one in flight before the socket stops reading (TCP backpressure to the client). */
const MAX_QUEUED_FRAMES = 64;
/** Deferred responses (produces awaiting fsync) allowed to pile up before the connection stops handling requests. */
const MAX_DEFERRED_RESPONSES = 32;
const API_NAMES = new Map(API_VERSIONS.map((api) => [api.apiKey, api.name]));

/**
 * One client connection. Requests are handled strictly one after another, like Kafka muting a channel while a
 * request is in flight: a long-polling Fetch delays the requests queued behind it on the same connection only.
 */
export class KafkaConnection {
  private readonly decoder: FrameDecoder;
  private readonly queue: Buffer[] = [];
  private processing = false;
  /** Responses go out in request order through this chain, deferred ones included. */
  private responses: Promise<void> = Promise.resolve();
  private deferredResponses = 0;
  private closed = false;
  private readonly clientHost: string;
  private readonly remote: string;

  constructor(
    private readonly socket: Socket,
    private readonly ctx: BrokerContext,
  ) {
    this.decoder = new FrameDecoder(ctx.config.maxRequestBytes);
    this.clientHost = `/${socket.remoteAddress ?? 'unknown'}`;
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => ctx.logger.debug({ remote: this.remote, error: error.message }, 'connection error'));
    socket.on('close', () => (this.closed = true));
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.ctx.metrics.bytesIn.inc(chunk.length);
    const result = this.decoder.push(chunk);
    this.queue.push(...result.frames);
    if ('error' in result) {
      this.closeBecause(result.error);
      return;
    }
    if (this.queue.length >= MAX_QUEUED_FRAMES) this.socket.pause();
    if (!this.processing) void this.drainQueue();
  }

  private async drainQueue(): Promise<void> {
    this.processing = true;
    try {
      let frame: Buffer | undefined;
      while (!this.closed && (frame = this.queue.shift()) !== undefined) {
        await this.handleFrame(frame).catch((error: unknown) => {
          // Never let one connection's surprise become an unhandled rejection that takes the broker down.
          this.ctx.logger.error({ remote: this.remote, err: error }, 'request failed unexpectedly; closing connection');
          this.close();
        });
        if (this.queue.length < MAX_QUEUED_FRAMES / 2 && this.socket.isPaused()) this.socket.resume();
      }
    } finally {
      this.processing = false;
    }
  }

  private async handleFrame(frame: Buffer): Promise<void> {
    let decoded;
    try {
      decoded = decodeRequest(frame);
    } catch (error) {
      if (error instanceof UnsupportedVersionError) return this.answerUnsupported(error.header);
      if (error instanceof MalformedRequestError) return this.closeBecause(`malformed request: ${error.message}`);
      throw error;
    }
    const { header, body } = decoded;
    const handler = HANDLERS.get(header.apiKey);
    if (!handler) return this.closeBecause(`no handler for api key ${header.apiKey}`);
    this.ctx.metrics.requests.inc({ api: API_NAMES.get(header.apiKey) ?? String(header.apiKey) });
    let result;
    try {
      result = await handler(this.ctx, { header, body, clientHost: this.clientHost });
    } catch (error) {
      return this.handlerFailed(header, error);
    }
    if (result instanceof DeferredResponse) {
      this.deferredResponses++;
      this.queueResponse(
        header,
        result.body.finally(() => this.deferredResponses--),
      );
      if (this.deferredResponses >= MAX_DEFERRED_RESPONSES) await this.responses;
      return;
    }
    this.queueResponse(header, Promise.resolve(result));
    await this.responses;
  }

  private queueResponse(header: RequestHeader, response: Promise<MessageBody | null | CloseConnection>): void {
    this.responses = this.responses
      .then(async () => {
        const body = await response;
        if (body instanceof CloseConnection) this.closeBecause(body.reason);
        else if (body !== null) await this.send(encodeResponse(header, body));
      })
      .catch((error: unknown) => this.handlerFailed(header, error));
  }

  private handlerFailed(header: RequestHeader, error: unknown): void {
    // Kafka would answer UNKNOWN_SERVER_ERROR; without a generic error body per API, closing is the honest signal.
    this.ctx.logger.error(
      { remote: this.remote, api: API_NAMES.get(header.apiKey), err: error },
      'request handler failed; closing connection',
    );
    this.close();
  }

  /**
   * ApiVersions of an unknown version gets the v0 response with UNSUPPORTED_VERSION and our table (KIP-511), so the
   * client can pick a version. Any other api key or version outside API_VERSIONS closes the connection: Kafka fails
   * to parse such a request ("Error getting request for apiKey") and closes the channel the same way.
   */
  private async answerUnsupported(header: RequestHeader): Promise<void> {
    if (header.apiKey === ApiKey.ApiVersions) {
      this.ctx.logger.info({ remote: this.remote, apiVersion: header.apiVersion }, 'unsupported ApiVersions version; answering with v0');
      this.queueResponse({ ...header, apiVersion: 0 }, Promise.resolve(apiVersionsResponseBody(ErrorCode.UNSUPPORTED_VERSION)));
      await this.responses;
      return;
    }
    this.closeBecause(`unsupported api key ${header.apiKey} version ${header.apiVersion}`);
  }

  private send(frame: Buffer): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.ctx.metrics.bytesOut.inc(frame.length);
    if (this.socket.write(frame)) return Promise.resolve();
    // Do not build the next response while the client is not reading this one.
    return new Promise((resolve) => {
      const done = () => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  private closeBecause(reason: string): void {
    this.ctx.logger.warn({ remote: this.remote, reason }, 'closing connection');
    this.queue.length = 0;
    this.close();
  }
}
