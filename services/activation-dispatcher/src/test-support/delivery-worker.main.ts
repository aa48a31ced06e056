import { runService } from '@tessera/service-kit/run-service';

/**
 * The delivery side (real catalog) as a process of its own (ServiceChildProcess `entry`), for kill -9 tests:
 * short attempts and leases, so the rows a killed worker held come back within 1.5 s.
 */
void runService(
  async () => {
    const { deliveryTestModule, FAST_DELIVERY_SETTINGS } = await import('./delivery-test.module');
    return deliveryTestModule({ ...FAST_DELIVERY_SETTINGS, attemptTimeoutMs: 1_000, leaseMs: 1_500 });
  },
  { name: 'activation-dispatcher' },
);
