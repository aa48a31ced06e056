import { ReadinessRegistry } from './readiness-registry';

describe('ReadinessRegistry', () => {
  it('is ready with no checks and with passing checks', async () => {
    const registry = new ReadinessRegistry();
    expect((await registry.evaluate()).status).toBe('ready');
    registry.register('sync', () => true);
    registry.register('async', async () => undefined);
    const report = await registry.evaluate();
    expect(report.status).toBe('ready');
    expect(Object.keys(report.checks)).toEqual(['sync', 'async']);
  });

  it('reports failing, false-returning and hanging checks by name', async () => {
    const registry = new ReadinessRegistry();
    registry.register('throws', () => {
      throw new Error('database unreachable');
    });
    registry.register('false', () => false);
    registry.register('hangs', () => new Promise(() => {}), { timeoutMs: 20 });
    const report = await registry.evaluate();
    expect(report.status).toBe('not_ready');
    expect(report.checks.throws).toMatchObject({ ok: false, error: 'database unreachable' });
    expect(report.checks.false).toMatchObject({ ok: false, error: 'check reported not ready' });
    expect(report.checks.hangs).toMatchObject({ ok: false, error: 'check timed out after 20 ms' });
  });

  it('reports a failing optional check as degraded without making the service unready', async () => {
    const registry = new ReadinessRegistry();
    registry.register('kafka', () => true);
    registry.register('database', () => false, { required: false });
    const report = await registry.evaluate();
    expect(report.status).toBe('ready');
    expect(report.degraded).toEqual(['database']);
    expect(report.checks.database).toMatchObject({ ok: false, required: false });
    registry.register('broken', () => false);
    expect((await registry.evaluate()).status).toBe('not_ready');
  });

  it('reports shutting_down once shutdown has begun, whatever the checks say', async () => {
    const registry = new ReadinessRegistry();
    registry.register('ok', () => true);
    registry.markShuttingDown();
    expect((await registry.evaluate()).status).toBe('shutting_down');
  });

  it('refuses duplicate check names', () => {
    const registry = new ReadinessRegistry();
    registry.register('db', () => true);
    expect(() => registry.register('db', () => true)).toThrow(/already registered/);
  });
});
