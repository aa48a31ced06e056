import { DEFAULT_DELIVERY_SETTINGS, resolveDeliverySettings } from './delivery-settings';

describe('resolveDeliverySettings', () => {
  it('takes the defaults with the overrides, and refuses a lease no longer than an attempt', () => {
    expect(resolveDeliverySettings({ pollMs: 20 })).toEqual({ ...DEFAULT_DELIVERY_SETTINGS, pollMs: 20 });
    expect(() => resolveDeliverySettings({ attemptTimeoutMs: 60_000, leaseMs: 60_000 })).toThrow(/leaseMs \(60000\) must exceed attemptTimeoutMs/);
  });
});
