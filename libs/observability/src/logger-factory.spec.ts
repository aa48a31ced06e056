import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { createLogger } from './logger-factory';

/** Reads a dotted path out of a parsed log line. */
function at(record: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], record);
}

/** Collects the JSON lines the logger writes, as parsed objects. */
function captureLogger(options: { level?: string; extraSecretKeys?: string[] } = {}) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((line: string) => line.length > 0),
      );
      done();
    },
  });
  const logger = createLogger({ service: 'ingest-gateway', destination, ...options });
  return { logger, raw: () => lines.join('\n'), records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('createLogger', () => {
  it('writes JSON lines with service, word level and ISO time', () => {
    const { logger, records } = captureLogger();
    logger.info({ batchSize: 3 }, 'batch applied');
    const [record] = records();
    expect(record).toMatchObject({ service: 'ingest-gateway', level: 'info', msg: 'batch applied', batchSize: 3 });
    expect(String(record.time)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('honours the level', () => {
    const { logger, records } = captureLogger({ level: 'warn' });
    logger.info('hidden');
    logger.warn('shown');
    expect(records().map((record) => record.msg)).toEqual(['shown']);
  });

  it('redacts secrets at the top level and nested, and in HTTP headers', () => {
    const { logger, raw, records } = captureLogger();
    logger.info(
      {
        password: 'pw-top-1',
        writeKey: 'wk-top-2',
        req: {
          method: 'POST',
          headers: { authorization: 'Basic d2stc2VjcmV0LTM6', cookie: 'session=ck-4', 'x-api-key': 'ak-5', host: 'example.com' },
        },
        source: { settings: { writeKey: 'wk-nested-6', token: 'tk-nested-7', name: 'web' } },
        destination: { config: { auth: { password: 'pw-deep-8' } } },
        TESSERA_ADMIN_TOKEN: 'admin-9',
      },
      'request',
    );
    const output = raw();
    for (const secret of [
      'pw-top-1',
      'wk-top-2',
      'd2stc2VjcmV0LTM6',
      'ck-4',
      'ak-5',
      'wk-nested-6',
      'tk-nested-7',
      'pw-deep-8',
      'admin-9',
    ]) {
      expect(output).not.toContain(secret);
    }
    const [record] = records();
    expect(at(record, 'req.headers.authorization')).toBe('[Redacted]');
    expect(at(record, 'req.headers.host')).toBe('example.com');
    expect(at(record, 'source.settings.name')).toBe('web');
    expect(at(record, 'destination.config.auth.password')).toBe('[Redacted]');
  });

  it('keeps database URLs readable but hides their password', () => {
    const { logger, raw, records } = captureLogger();
    logger.info(
      { DATABASE_URL: 'postgres://profile:s3cr3t-pw@db.internal:5432/tessera', db: { connectionString: 'postgresql://u:other-pw@h/db' } },
      'connecting',
    );
    expect(raw()).not.toContain('s3cr3t-pw');
    expect(raw()).not.toContain('other-pw');
    const [record] = records();
    expect(at(record, 'DATABASE_URL')).toBe('postgres://profile:***@db.internal:5432/tessera');
    expect(at(record, 'db.connectionString')).toBe('postgresql://u:***@h/db');
  });

  it('redacts extra keys a service declares', () => {
    const { logger, raw } = captureLogger({ extraSecretKeys: ['webhookSigningKey'] });
    logger.info({ destination: { webhookSigningKey: 'sk-10' } }, 'configured');
    expect(raw()).not.toContain('sk-10');
  });

  it('matches secret keys in any casing and by suffix, inside arrays, without touching the caller object', () => {
    const { logger, raw, records } = captureLogger();
    const payload = {
      destinations: [{ kind: 'webhook', config: { Authorization: 'Bearer tk-11', webhookSecret: 'ws-12' } }],
      settings: { 'X-Api-Key': 'ak-13', db_password: 'pw-14', tokenCount: 3, adminToken: 'at-15' },
    };
    logger.info(payload, 'configured');
    const output = raw();
    for (const secret of ['tk-11', 'ws-12', 'ak-13', 'pw-14', 'at-15']) expect(output).not.toContain(secret);
    expect(at(records()[0], 'settings.tokenCount')).toBe(3);
    expect(payload.settings.db_password).toBe('pw-14');
    expect(payload.destinations[0].config.Authorization).toBe('Bearer tk-11');
  });

  it('redacts child-logger bindings', () => {
    const { logger, raw } = captureLogger();
    logger.child({ source: { id: 's1', writeKey: 'wk-16' } }).info('bound');
    expect(raw()).not.toContain('wk-16');
    expect(raw()).toContain('"id":"s1"');
  });

  it('redacts secrets carried on errors', () => {
    const { logger, raw } = captureLogger();
    const error = Object.assign(new Error('request failed'), { config: { headers: { authorization: 'Bearer tk-17' } } });
    logger.error({ err: error }, 'destination failed');
    expect(raw()).not.toContain('tk-17');
    expect(raw()).toContain('request failed');
  });

  it('names a live connection carried on an error instead of walking it', () => {
    const { logger, raw, records } = captureLogger();
    class Client extends EventEmitter {
      processID = 4242;
      secretKey = 381158759;
    }
    const error = Object.assign(new Error('terminating connection'), { client: new Client(), code: '57P01' });
    logger.warn({ err: error }, 'idle Postgres client failed');
    expect(at(records()[0], 'err.client')).toBe('[Client]');
    expect(at(records()[0], 'err.code')).toBe('57P01');
    expect(raw()).not.toContain('381158759');
  });

  it('serializes errors with message and stack', () => {
    const { logger, records } = captureLogger();
    logger.error({ err: new Error('boom') }, 'failed');
    const [record] = records();
    expect(at(record, 'err.message')).toBe('boom');
    expect(at(record, 'err.stack')).toContain('Error: boom');
  });

  it('logs an error given as a plain string, as kafkajs does', () => {
    const { logger, records } = captureLogger();
    logger.error({ error: 'This server does not host this topic-partition' }, 'fetch failed');
    expect(at(records()[0], 'error')).toBe('This server does not host this topic-partition');
  });
});
