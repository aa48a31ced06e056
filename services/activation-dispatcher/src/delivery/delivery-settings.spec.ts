import { DEFAULT_DELIVERY_SETTINGS, loadDeliverySettings, resolveDeliverySettings } from './delivery-settings';

describe('resolveDeliverySettings', () => {
  it('takes the defaults with the overrides, and refuses a lease no longer than an attempt', () => {
    expect(resolveDeliverySettings({ pollMs: 20 })).toEqual({ ...DEFAULT_DELIVERY_SETTINGS, pollMs: 20 });
    expect(() => resolveDeliverySettings({ attemptTimeoutMs: 60_000, leaseMs: 60_000 })).toThrow(
      /leaseMs \(60000\) must exceed attemptTimeoutMs/,
    );
  });

  it('reads the ACTIVATION_* variables, with the documented defaults, and refuses a bad value by name', () => {
    expect(DEFAULT_DELIVERY_SETTINGS).toEqual({
      pollMs: 100,
      attemptTimeoutMs: 30_000,
      leaseMs: 60_000,
      backoffBaseMs: 1_000,
      backoffMaxMs: 900_000,
      breakerThreshold: 5,
      breakerHalfOpenMs: 10_000,
      queueDepthRefreshMs: 5_000,
    });
    const env = {
      ACTIVATION_POLL_MS: '250',
      ACTIVATION_ATTEMPT_TIMEOUT_MS: '5000',
      ACTIVATION_LEASE_MS: '20000',
      ACTIVATION_BACKOFF_BASE_MS: '50',
      ACTIVATION_BACKOFF_MAX_MS: '60000',
      ACTIVATION_BREAKER_THRESHOLD: '3',
      ACTIVATION_BREAKER_HALF_OPEN_MS: '2000',
      ACTIVATION_QUEUE_DEPTH_REFRESH_MS: '1000',
    };
    expect(loadDeliverySettings(env)).toEqual({
      pollMs: 250,
      attemptTimeoutMs: 5_000,
      leaseMs: 20_000,
      backoffBaseMs: 50,
      backoffMaxMs: 60_000,
      breakerThreshold: 3,
      breakerHalfOpenMs: 2_000,
      queueDepthRefreshMs: 1_000,
    });
    expect(resolveDeliverySettings({ pollMs: 20 }, loadDeliverySettings(env)).pollMs).toBe(20);
    expect(() => loadDeliverySettings({ ACTIVATION_POLL_MS: 'soon' })).toThrow(/ACTIVATION_POLL_MS/);
  });
});
