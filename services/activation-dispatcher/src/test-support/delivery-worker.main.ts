import { runService } from '@tessera/service-kit';
import { deliveryTestModule, FAST_DELIVERY_SETTINGS } from './delivery-test.module';

/**
 * The delivery side (real catalog) as a process of its own (ServiceChildProcess `entry`), for kill -9 tests:
 * short attempts and leases, so the rows a killed worker held come back within 1.5 s.
 */
void runService(deliveryTestModule({ ...FAST_DELIVERY_SETTINGS, attemptTimeoutMs: 1_000, leaseMs: 1_500 }), {
  name: 'activation-dispatcher',
});
