import { resolveServiceKitOptions } from './resolve-service-kit-options';

describe('resolveServiceKitOptions', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it("validates a catalog service's own variables with the shared ones when no config is given", () => {
    process.env = {
      ...saved,
      NODE_ENV: 'test',
      TESSERA_ADMIN_TOKEN: 'test-admin-token',
      VALIDATION_DEDUPE_WINDOW_HOURS: '48',
      KAFKA_CLIENT_ID: 'validation-blue',
    };
    const { config } = resolveServiceKitOptions({ name: 'validation', handleSignals: false });
    expect(config?.kafka.clientId).toBe('validation-blue');
    expect((config?.env as Record<string, unknown>).VALIDATION_DEDUPE_WINDOW_HOURS).toBe(48);
    expect((config?.env as Record<string, unknown>).VALIDATION_DEFAULT_PHONE_REGION).toBe('');
  });

  it("gives the guard the service's own tokens over the shared ones", () => {
    process.env = {
      ...saved,
      NODE_ENV: 'test',
      TESSERA_ADMIN_TOKEN: 'shared-admin',
      TESSERA_READ_TOKEN: 'shared-read',
      VALIDATION_ADMIN_TOKEN: 'validation-admin',
    };
    expect(resolveServiceKitOptions({ name: 'validation', handleSignals: false })).toMatchObject({
      adminToken: 'validation-admin',
      readToken: 'shared-read',
    });
    expect(resolveServiceKitOptions({ name: 'profile-merger', handleSignals: false })).toMatchObject({
      adminToken: 'shared-admin',
      readToken: 'shared-read',
    });
  });
});
