import {
  ConfigValidationError,
  describeSharedEnvironment,
  int,
  SHARED_VARIABLE_NAMES,
  loadServiceConfig,
  oneOf,
  SERVICE_CATALOG,
  SERVICE_NAMES,
} from './index';

function expectInvalid(run: () => unknown): ConfigValidationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return error as ConfigValidationError;
  }
  throw new Error('expected a ConfigValidationError');
}

describe('loadServiceConfig', () => {
  it('applies the service catalog defaults in development', () => {
    const config = loadServiceConfig('profile-merger', undefined, {});
    expect(config.nodeEnv).toBe('development');
    expect(config.port).toBe(8083);
    expect(config.database.schema).toBe('profile');
    expect(config.database.url).toBe('postgres://postgres:tessera@127.0.0.1:5432/postgres');
    expect(config.database.poolSize).toBe(10);
    expect(config.database.statementTimeoutMs).toBe(30000);
    expect(config.kafka).toEqual({
      brokers: ['localhost:9092'],
      clientId: 'profile-merger',
      sliceMessages: 2000,
      fetchBytes: 4_194_304,
      lingerMs: 20,
      sessionTimeoutMs: 10_000,
    });
    expect(config.shutdownTimeoutMs).toBe(10000);
    expect(config.logLevel).toBe('info');
    expect(config.adminTokenSource).toBe('generated');
    expect(config.adminToken).toMatch(/^[0-9a-f]{48}$/);
  });

  it('reads explicit values', () => {
    const config = loadServiceConfig('ingest-gateway', undefined, {
      NODE_ENV: 'production',
      PORT: '9000',
      KAFKA_BROKERS: 'k1:9092, k2:9093',
      DATABASE_URL: 'postgres://ingest:pw@db:5432/tessera',
      DATABASE_SCHEMA: 'ingest_blue',
      TESSERA_ADMIN_TOKEN: 'a-long-enough-admin-token',
      LOG_LEVEL: 'debug',
      SHUTDOWN_TIMEOUT_MS: '2500',
      DATABASE_POOL_SIZE: '4',
      DATABASE_STATEMENT_TIMEOUT_MS: '0',
      KAFKA_CONSUMER_SLICE_MESSAGES: '250',
      KAFKA_CONSUMER_FETCH_BYTES: '65536',
      KAFKA_CONSUMER_LINGER_MS: '0',
      KAFKA_CONSUMER_SESSION_TIMEOUT_MS: '7000',
    });
    expect(config.isProduction).toBe(true);
    expect(config.port).toBe(9000);
    expect(config.kafka).toEqual({
      brokers: ['k1:9092', 'k2:9093'],
      clientId: 'ingest-gateway',
      sliceMessages: 250,
      fetchBytes: 65_536,
      lingerMs: 0,
      sessionTimeoutMs: 7_000,
    });
    expect(config.database).toEqual({
      url: 'postgres://ingest:pw@db:5432/tessera',
      schema: 'ingest_blue',
      poolSize: 4,
      statementTimeoutMs: 0,
    });
    expect(config.adminTokenSource).toBe('environment');
    expect(config.logLevel).toBe('debug');
    expect(config.shutdownTimeoutMs).toBe(2500);
  });

  it('names the variable and what is expected', () => {
    const error = expectInvalid(() => loadServiceConfig('validation', undefined, { PORT: 'abc' }));
    expect(error.message).toBe('Invalid environment: PORT must be an integer 1-65535, got "abc"');
    expect(error.issues).toEqual([{ variable: 'PORT', message: 'PORT must be an integer 1-65535, got "abc"' }]);
  });

  it('reports every bad variable at once', () => {
    const error = expectInvalid(() =>
      loadServiceConfig('validation', undefined, {
        LOG_LEVEL: 'loud',
        KAFKA_BROKERS: 'nope',
        DATABASE_SCHEMA: 'Bad-Name',
        SHUTDOWN_TIMEOUT_MS: '5',
      }),
    );
    expect(error.issues.map((issue) => issue.variable).sort()).toEqual([
      'DATABASE_SCHEMA',
      'KAFKA_BROKERS',
      'LOG_LEVEL',
      'SHUTDOWN_TIMEOUT_MS',
    ]);
    expect(error.message).toContain('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"');
    expect(error.message).toContain('KAFKA_BROKERS must be a comma-separated list of host:port');
    expect(error.message).toContain('SHUTDOWN_TIMEOUT_MS must be an integer 100-600000, got "5"');
  });

  it('requires the admin token and database URL in production, without echoing secrets', () => {
    const missing = expectInvalid(() => loadServiceConfig('segment-evaluator', undefined, { NODE_ENV: 'production' }));
    expect(missing.issues.map((issue) => issue.variable).sort()).toEqual(['DATABASE_URL', 'TESSERA_ADMIN_TOKEN']);
    expect(missing.message).toContain('DATABASE_URL is required (PostgreSQL connection URL)');
    expect(missing.message).toContain('TESSERA_ADMIN_TOKEN is required in production');

    const short = expectInvalid(() =>
      loadServiceConfig('segment-evaluator', undefined, {
        NODE_ENV: 'production',
        DATABASE_URL: 'postgres://u:p@db/x',
        TESSERA_ADMIN_TOKEN: 'hunter2',
      }),
    );
    expect(short.message).toBe(
      'Invalid environment: TESSERA_ADMIN_TOKEN must be at least 16 characters in production, got a 7-character value',
    );
    expect(short.message).not.toContain('hunter2');
  });

  describe('API tokens', () => {
    const PROD = { NODE_ENV: 'production', DATABASE_URL: 'postgres://u:p@db/x' };

    it('has no read token unless TESSERA_READ_TOKEN is set, and treats an empty one as unset', () => {
      expect(loadServiceConfig('profile-merger', undefined, {}).readToken).toBeUndefined();
      expect(loadServiceConfig('profile-merger', undefined, { TESSERA_READ_TOKEN: '' }).readToken).toBeUndefined();
      expect(loadServiceConfig('profile-merger', undefined, { TESSERA_READ_TOKEN: 'reader-token' }).readToken).toBe('reader-token');
    });

    it('lets <SERVICE>_ADMIN_TOKEN and <SERVICE>_READ_TOKEN override the shared tokens for that service only', () => {
      const env = {
        ...PROD,
        TESSERA_ADMIN_TOKEN: 'shared-admin-token-0123456789',
        TESSERA_READ_TOKEN: 'shared-read-token-0123456789',
        PROFILE_MERGER_ADMIN_TOKEN: 'merger-admin-token-0123456789',
        PROFILE_MERGER_READ_TOKEN: 'merger-read-token-0123456789',
      };
      const merger = loadServiceConfig('profile-merger', undefined, env);
      expect([merger.adminToken, merger.readToken, merger.adminTokenSource]).toEqual([
        'merger-admin-token-0123456789',
        'merger-read-token-0123456789',
        'environment',
      ]);
      const resolver = loadServiceConfig('identity-resolver', undefined, env);
      expect([resolver.adminToken, resolver.readToken]).toEqual(['shared-admin-token-0123456789', 'shared-read-token-0123456789']);
    });

    it('accepts a per-service admin token alone in production, and an empty override falls back to the shared one', () => {
      expect(
        loadServiceConfig('validation', undefined, { ...PROD, VALIDATION_ADMIN_TOKEN: 'validation-admin-0123456789' }).adminToken,
      ).toBe('validation-admin-0123456789');
      const fallback = loadServiceConfig('validation', undefined, {
        ...PROD,
        TESSERA_ADMIN_TOKEN: 'shared-admin-token-0123456789',
        VALIDATION_ADMIN_TOKEN: '',
      });
      expect(fallback.adminToken).toBe('shared-admin-token-0123456789');
      const missing = expectInvalid(() => loadServiceConfig('validation', undefined, PROD));
      expect(missing.message).toContain(
        'TESSERA_ADMIN_TOKEN is required in production (bearer token for the admin APIs; VALIDATION_ADMIN_TOKEN may replace it)',
      );
    });

    it('holds read and per-service tokens to the production length, and never equal to the admin token', () => {
      const short = expectInvalid(() =>
        loadServiceConfig('profile-merger', undefined, {
          ...PROD,
          PROFILE_MERGER_ADMIN_TOKEN: 'short',
          TESSERA_ADMIN_TOKEN: 'shared-admin-token-0123456789',
          TESSERA_READ_TOKEN: 'tiny',
        }),
      );
      expect(short.issues.map((issue) => issue.variable).sort()).toEqual(['PROFILE_MERGER_ADMIN_TOKEN', 'TESSERA_READ_TOKEN']);
      expect(short.message).not.toContain('tiny');
      const same = expectInvalid(() =>
        loadServiceConfig('profile-merger', undefined, { TESSERA_ADMIN_TOKEN: 'same-token', TESSERA_READ_TOKEN: 'same-token' }),
      );
      expect(same.message).toBe('Invalid environment: TESSERA_READ_TOKEN must differ from TESSERA_ADMIN_TOKEN');
    });
  });

  it('masks the database password when echoing a bad URL', () => {
    const error = expectInvalid(() => loadServiceConfig('validation', undefined, { DATABASE_URL: 'mysql://root:s3cret@db/x' }));
    expect(error.message).toContain('DATABASE_URL must be a postgres:// URL');
    expect(error.message).toContain('"mysql://root:***@db/x"');
    expect(error.message).not.toContain('s3cret');
  });

  it('validates service-specific variables with the same wording', () => {
    const spec = { DEDUPE_WINDOW_HOURS: int(1, 720)({ default: 24 }), MODE: oneOf(['strict', 'lenient'] as const)({ default: 'strict' }) };
    const config = loadServiceConfig('validation', spec, { DEDUPE_WINDOW_HOURS: '48' });
    const hours: number = config.env.DEDUPE_WINDOW_HOURS;
    const mode: 'strict' | 'lenient' = config.env.MODE;
    expect([hours, mode]).toEqual([48, 'strict']);
    const error = expectInvalid(() => loadServiceConfig('validation', spec, { DEDUPE_WINDOW_HOURS: '0' }));
    expect(error.message).toBe('Invalid environment: DEDUPE_WINDOW_HOURS must be an integer 1-720, got "0"');
  });

  it('refuses an extra spec that redefines a shared variable', () => {
    expect(() => loadServiceConfig('validation', { PORT: int(1, 2)() }, {})).toThrow(/redefines shared variables: PORT/);
  });
});

describe('service catalog', () => {
  it('lists seven services with distinct ports and schemas', () => {
    expect(SERVICE_NAMES).toHaveLength(7);
    const ports = SERVICE_NAMES.map((name) => SERVICE_CATALOG[name].defaultPort);
    const schemas = SERVICE_NAMES.map((name) => SERVICE_CATALOG[name].schema);
    expect(ports).toEqual([8080, 8081, 8082, 8083, 8084, 8085, 8086]);
    expect(schemas).toEqual(['ingest', 'validation', 'identity', 'profile', 'segments', 'activation', 'connectors']);
    expect(Object.keys(SERVICE_CATALOG).sort()).toEqual([...SERVICE_NAMES].sort());
  });
});

describe('describeSharedEnvironment', () => {
  it('documents every shared variable with its defaults', () => {
    const rows = describeSharedEnvironment(SERVICE_CATALOG['segment-evaluator']);
    expect(rows.map((row) => row.name)).toEqual([
      ...SHARED_VARIABLE_NAMES,
      'SEGMENT_EVALUATOR_ADMIN_TOKEN',
      'SEGMENT_EVALUATOR_READ_TOKEN',
    ]);
    const byName = Object.fromEntries(rows.map((row) => [row.name, row]));
    expect(byName.PORT).toMatchObject({ defaultValue: '8084', requiredInProduction: false });
    expect(byName.DATABASE_SCHEMA.defaultValue).toBe('segments');
    expect(byName.DATABASE_URL).toMatchObject({
      defaultValue: undefined,
      developmentDefault: expect.stringMatching(/^postgres:\/\//),
      requiredInProduction: true,
    });
    expect(byName.TESSERA_ADMIN_TOKEN).toMatchObject({ defaultValue: undefined, requiredInProduction: true });
    expect(byName.TESSERA_READ_TOKEN).toMatchObject({ defaultValue: undefined, requiredInProduction: false });
    expect(byName.SEGMENT_EVALUATOR_ADMIN_TOKEN).toMatchObject({ defaultValue: undefined, requiredInProduction: false });
    expect(byName.KAFKA_BROKERS.defaultValue).toBe('localhost:9092');
    expect(byName.KAFKA_CONSUMER_SLICE_MESSAGES.defaultValue).toBe('2000');
    expect(byName.KAFKA_CONSUMER_FETCH_BYTES.defaultValue).toBe('4194304');
    expect(byName.KAFKA_CONSUMER_LINGER_MS.defaultValue).toBe('20');
  });
});
