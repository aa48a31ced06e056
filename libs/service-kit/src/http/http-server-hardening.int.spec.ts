import { Body, Controller, Get, HttpCode, Module, Param, Post, Query } from '@nestjs/common';
import { createLogger, createMetricsRegistry } from '@tessera/observability';
import { connect } from 'node:net';
import { PublicRoute } from '../auth/public-route.decorator';
import { bootstrapService, type RunningService } from '../bootstrap-service';

/** Like a Postgres text parameter: a NUL character is an error the service does not expect (a 500, unless the guard refuses it first). */
function lookUp(value: string): { found: string } {
  if (value.includes('\u0000')) throw new Error('invalid byte sequence for encoding "UTF8": 0x00');
  return { found: value };
}

// Public: this file tests the HTTP layer, not the token guard (bootstrap-service.int.spec covers that).
@PublicRoute()
@Controller('v1')
class LookupController {
  @Get('things/:id')
  thing(@Param('id') id: string) {
    return lookUp(id);
  }

  @Get('search')
  search(@Query('q') q = '') {
    return lookUp(q);
  }

  @Post('echo')
  @HttpCode(200)
  echo(@Body() body: unknown) {
    return body;
  }
}

@Module({ controllers: [LookupController] })
class LookupAppModule {}

/** Sends raw bytes and returns everything the server sent back before it closed the socket. */
function rawExchange(port: number, request: string): Promise<{ status: number; headers: string; body: unknown }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const [head, body] = received.split('\r\n\r\n');
      try {
        resolve({ status: Number(head.split(' ')[1]), headers: head, body: JSON.parse(body) });
      } catch (error) {
        reject(new Error(`not one JSON answer: ${JSON.stringify(received)} (${(error as Error).message})`));
      }
    });
  });
}

describe('every error has the shared JSON shape, framework-level ones included, and NUL in a URL is a 400 (real HTTP)', () => {
  let service: RunningService;

  beforeAll(async () => {
    service = await bootstrapService(LookupAppModule, {
      name: 'fixture-service',
      port: 0,
      host: '127.0.0.1',
      adminToken: 'hardening-admin-token',
      logger: createLogger({ service: 'fixture-service', level: 'silent' }),
      registry: createMetricsRegistry('fixture-service'),
      handleSignals: false,
      httpTimeouts: { requestTimeoutMs: 800, headersTimeoutMs: 400 },
    });
  });

  afterAll(async () => {
    await service?.close();
  });

  async function get(path: string): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${service.url}${path}`);
    return { status: res.status, body: await res.json() };
  }

  it('serves the fixture normally', async () => {
    expect(await get('/v1/things/a%20b')).toEqual({ status: 200, body: { found: 'a b' } });
    expect(await get('/v1/search?q=x')).toEqual({ status: 200, body: { found: 'x' } });
  });

  it.each([
    ['/v1/things/%00', '/v1/things/%00'],
    ['/v1/things/a%00b', '/v1/things/a%00b'],
    ['/v1/search?q=%00', '/v1/search'],
    ['/v1/search?other=1&q=x%00y', '/v1/search'],
    ['/v1/nowhere/%00', '/v1/nowhere/%00'],
  ])('answers 400, not 500, to a NUL character in the path or query: %s', async (url, path) => {
    expect(await get(url)).toEqual({
      status: 400,
      body: { statusCode: 400, error: 'Bad Request', message: 'the request path or query contains a NUL character (%00)', path },
    });
  });

  it('answers a URL that does not decode with the shared shape', async () => {
    expect(await get('/v1/things/%E0%A4%A?token=secret')).toEqual({
      status: 400,
      body: {
        statusCode: 400,
        error: 'Bad Request',
        message: expect.stringContaining('the URL is not valid'),
        path: '/v1/things/%E0%A4%A',
      },
    });
  });

  it('answers a path parameter over the router limit with the shared shape', async () => {
    const id = 'x'.repeat(150);
    expect(await get(`/v1/things/${id}`)).toEqual({
      status: 414,
      body: { statusCode: 414, error: 'URI Too Long', message: expect.any(String), path: `/v1/things/${id}` },
    });
  });

  it("answers Node's parser errors (header overflow, bytes that are not HTTP) with the shared shape", async () => {
    const overflow = await rawExchange(
      service.port,
      `GET /v1/things/a?secret=1 HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(overflow).toMatchObject({
      status: 431,
      body: {
        statusCode: 431,
        error: 'Request Header Fields Too Large',
        message: expect.stringContaining('KB limit'),
        path: '/v1/things/a',
      },
    });
    expect(overflow.headers).toContain('Content-Type: application/json');
    const garbage = await rawExchange(service.port, 'NOT HTTP AT ALL\r\n\r\n');
    expect(garbage).toMatchObject({
      status: 400,
      body: { statusCode: 400, error: 'Bad Request', message: expect.stringContaining('malformed HTTP request'), path: '/' },
    });
  });

  it('answers a request that does not arrive in time with 408 in the shared shape (httpTimeouts)', async () => {
    const started = Date.now();
    const stalled = await rawExchange(
      service.port,
      'POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{"a"',
    );
    expect(stalled).toMatchObject({ status: 408, body: { statusCode: 408, error: 'Request Timeout', path: '/v1/echo' } });
    expect(Date.now() - started).toBeLessThan(800 + 1_500);
    const noHeaders = await rawExchange(service.port, 'GET /v1/search HTTP/1.1\r\n');
    expect(noHeaders).toMatchObject({ status: 408, body: { statusCode: 408, error: 'Request Timeout' } });
    // Answered at once (no such route) while its body is still due: one answer only, then the socket closes.
    const answered = await rawExchange(service.port, 'POST /v1/nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{"a"');
    expect(answered).toMatchObject({ status: 404, body: { statusCode: 404, path: '/v1/nowhere' } });
  });
});
