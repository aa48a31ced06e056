import { Body, Controller, Delete, Get, Injectable, Module, OnApplicationShutdown, Post } from '@nestjs/common';
import { createLogger, createMetricsRegistry } from '@tessera/observability';
import { AdminOnly } from './auth/admin-only.decorator';
import { PublicRoute } from './auth/public-route.decorator';
import { bootstrapService, RunningService } from './bootstrap-service';
import { ReadinessRegistry } from './health/readiness-registry';

const ADMIN_TOKEN = 'test-admin-token-123';
const READ_TOKEN = 'test-read-token-456';
const shutdownOrder: string[] = [];
let dependencyUp = true;
let releaseSlowRequest: () => void = () => {};
let slowRequestEntered: () => void = () => {};

// Public so the HTTP-layer tests below need no token; GuardFixtureController holds the protected routes.
@PublicRoute()
@Controller('v1')
class FixtureController {
  constructor(readiness: ReadinessRegistry) {
    readiness.register('fixture-dependency', () => {
      if (!dependencyUp) throw new Error('fixture dependency is down');
    });
  }

  @Get('admin/things')
  @AdminOnly()
  things(): { things: string[] } {
    return { things: ['a'] };
  }

  @Get('boom')
  boom(): never {
    throw new Error('secret internal detail');
  }

  @Post('echo')
  echo(@Body() body: unknown): unknown {
    return body;
  }

  @Get('slow')
  async slow(): Promise<{ done: true }> {
    const released = new Promise<void>((resolve) => (releaseSlowRequest = resolve));
    slowRequestEntered();
    await released;
    shutdownOrder.push('in-flight request finished');
    return { done: true };
  }
}

/** No marker: protected by default, as every service route is. */
@Controller('v1/guarded')
class GuardFixtureController {
  @Get('reads')
  reads(): { read: true } {
    return { read: true };
  }

  @Delete('reads')
  remove(): { removed: true } {
    return { removed: true };
  }
}

@Injectable()
class FixtureDatabase implements OnApplicationShutdown {
  onApplicationShutdown(): void {
    shutdownOrder.push('database closed');
  }
}

@Module({ controllers: [FixtureController, GuardFixtureController], providers: [FixtureDatabase] })
class FixtureAppModule {}

describe('bootstrapService (real HTTP)', () => {
  let service: RunningService;

  beforeAll(async () => {
    service = await bootstrapService(FixtureAppModule, {
      name: 'fixture-service',
      port: 0,
      host: '127.0.0.1',
      adminToken: ADMIN_TOKEN,
      readToken: READ_TOKEN,
      logger: createLogger({ service: 'fixture-service', level: 'silent' }),
      registry: createMetricsRegistry('fixture-service'),
      handleSignals: false,
    });
  });

  afterAll(async () => {
    await service.close();
  });

  it('serves liveness', async () => {
    const res = await fetch(`${service.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', service: 'fixture-service' });
  });

  it('reports readiness, and 503 with the failing check listed', async () => {
    const ok = await fetch(`${service.url}/readyz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ status: 'ready', failing: [], checks: { 'fixture-dependency': { ok: true } } });

    dependencyUp = false;
    try {
      const down = await fetch(`${service.url}/readyz`);
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({
        status: 'not_ready',
        failing: ['fixture-dependency'],
        checks: { 'fixture-dependency': { ok: false, error: 'fixture dependency is down' } },
      });
    } finally {
      dependencyUp = true;
    }
  });

  it('exposes Prometheus metrics including per-route request durations', async () => {
    await fetch(`${service.url}/healthz`);
    const res = await fetch(`${service.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('tessera_fixture_service_http_request_duration_seconds_bucket');
    expect(text).toContain('route="/healthz"');
  });

  it("serves the OpenAPI document with both bearer schemes, stating each operation's security", async () => {
    const res = await fetch(`${service.url}/openapi.json`);
    expect(res.status).toBe(200);
    type Operation = { security?: Array<Record<string, string[]>>; responses: Record<string, unknown> };
    const doc = (await res.json()) as {
      openapi: string;
      info: { title: string };
      paths: Record<string, Record<string, Operation>>;
      components: { securitySchemes: object };
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info.title).toBe('Tessera fixture-service');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz', '/v1/admin/things', '/v1/guarded/reads']));
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['admin-token', 'read-token']);
    expect(doc.paths['/healthz'].get.security).toEqual([]);
    expect(doc.paths['/v1/guarded/reads'].get.security).toEqual([{ 'admin-token': [] }, { 'read-token': [] }]);
    expect(doc.paths['/v1/guarded/reads'].delete.security).toEqual([{ 'admin-token': [] }]);
    expect(doc.paths['/v1/guarded/reads'].delete.responses).toHaveProperty('403');
    expect(doc.paths['/v1/admin/things'].get.security).toEqual([{ 'admin-token': [] }]);
    expect(JSON.stringify(doc)).not.toContain('x-tessera-access');
  });

  it.each([
    ['no header', undefined, 'missing Authorization header'],
    ['wrong scheme', `Basic ${Buffer.from(`${ADMIN_TOKEN}:`).toString('base64')}`, 'Bearer scheme'],
    ['wrong token', 'Bearer not-the-token', 'invalid token'],
    ['token prefix', `Bearer ${ADMIN_TOKEN.slice(0, -1)}`, 'invalid token'],
  ])('rejects calls with %s as 401 JSON', async (_case, authorization, message) => {
    for (const path of ['/v1/admin/things', '/v1/guarded/reads']) {
      const res = await fetch(`${service.url}${path}?x=1`, { headers: authorization ? { authorization } : {} });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
      const body = await res.json();
      expect(body).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.stringContaining(message), path });
    }
  });

  it('accepts the admin token on every protected route', async () => {
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const res = await fetch(`${service.url}/v1/admin/things`, { headers: admin });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ things: ['a'] });
    expect((await fetch(`${service.url}/v1/guarded/reads`, { method: 'DELETE', headers: admin })).status).toBe(200);
  });

  it('accepts the read token on GET and HEAD, and answers 403 JSON elsewhere and on admin-only routes', async () => {
    const read = { authorization: `Bearer ${READ_TOKEN}` };
    expect(await (await fetch(`${service.url}/v1/guarded/reads`, { headers: read })).json()).toEqual({ read: true });
    expect((await fetch(`${service.url}/v1/guarded/reads`, { method: 'HEAD', headers: read })).status).toBe(200);
    expect((await fetch(`${service.url}/v1/guarded/reads`, { method: 'HEAD' })).status).toBe(401);
    for (const [method, path] of [
      ['DELETE', '/v1/guarded/reads'],
      ['GET', '/v1/admin/things'],
    ]) {
      const res = await fetch(`${service.url}${path}`, { method, headers: read });
      expect([method, res.status]).toEqual([method, 403]);
      expect(await res.json()).toEqual({ statusCode: 403, error: 'Forbidden', message: expect.stringContaining('admin token'), path });
    }
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await fetch(`${service.url}/v1/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ statusCode: 404, error: 'Not Found', path: '/v1/nope' });
  });

  it('answers malformed JSON bodies with a JSON 400', async () => {
    const res = await fetch(`${service.url}/v1/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', path: '/v1/echo' });
  });

  it('hides internals of unexpected errors behind a JSON 500', async () => {
    const res = await fetch(`${service.url}/v1/boom`);
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body).toMatchObject({ statusCode: 500, error: 'Internal Server Error', path: '/v1/boom' });
    expect(JSON.stringify(body)).not.toContain('secret internal detail');
  });
});

describe('bootstrapService request log', () => {
  it('logs method, path, route and status, but no credentials, query strings or bodies', async () => {
    const lines: string[] = [];
    const destination = { write: (line: string) => void lines.push(line) };
    const service = await bootstrapService(FixtureAppModule, {
      name: 'fixture-service',
      port: 0,
      host: '127.0.0.1',
      adminToken: ADMIN_TOKEN,
      logger: createLogger({ service: 'fixture-service', level: 'info', destination }),
      registry: createMetricsRegistry('fixture-service'),
      handleSignals: false,
    });
    try {
      await fetch(`${service.url}/v1/admin/things?writeKey=query-secret`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      await fetch(`${service.url}/v1/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"email":"body-secret@example.com"}',
      });
    } finally {
      await service.close();
    }
    const requests = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'request');
    expect(requests).toEqual([
      expect.objectContaining({ method: 'GET', path: '/v1/admin/things', route: '/v1/admin/things', status: 200 }),
      expect.objectContaining({ method: 'POST', path: '/v1/echo', route: '/v1/echo', status: 201 }),
    ]);
    const everything = lines.join('');
    for (const secret of [ADMIN_TOKEN, 'query-secret', 'body-secret']) expect(everything).not.toContain(secret);
  });
});

describe('bootstrapService shutdown', () => {
  it('turns readiness 503, drains in-flight requests, then closes the database', async () => {
    shutdownOrder.length = 0;
    const service = await bootstrapService(FixtureAppModule, {
      name: 'fixture-service',
      port: 0,
      host: '127.0.0.1',
      adminToken: ADMIN_TOKEN,
      logger: createLogger({ service: 'fixture-service', level: 'silent' }),
      registry: createMetricsRegistry('fixture-service'),
      handleSignals: false,
    });
    // Close only once the request is in the handler: a fixed pause raced a loaded machine (the close came first).
    const entered = new Promise<void>((resolve) => (slowRequestEntered = resolve));
    const inFlight = fetch(`${service.url}/v1/slow`).then(async (res) => ({ status: res.status, body: await res.json() }));
    await entered;

    const readiness = service.app.get(ReadinessRegistry);
    const closing = service.close();
    expect(readiness.isShuttingDown()).toBe(true);
    expect((await readiness.evaluate()).status).toBe('shutting_down');

    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(shutdownOrder).toEqual([]);
    releaseSlowRequest();
    expect(await inFlight).toEqual({ status: 200, body: { done: true } });
    await closing;
    expect(shutdownOrder).toEqual(['in-flight request finished', 'database closed']);
    await expect(fetch(`${service.url}/healthz`)).rejects.toThrow();
  });
});
