import { Injectable } from '@nestjs/common';
import { KafkaLifecycle } from '@tessera/kafka-nest';
import { ReadinessRegistry } from '../health/readiness-registry';

/**
 * Adds the `kafka` readiness check: the producer is connected, every consumer has joined its group, and the
 * broker answers a metadata round trip now (those flags alone stayed true with the broker dead).
 */
@Injectable()
export class KafkaReadinessCheck {
  constructor(readiness: ReadinessRegistry, lifecycle: KafkaLifecycle) {
    readiness.register('kafka', async () => {
      if (!lifecycle.isReady()) throw new Error('Kafka producer not connected or a consumer has not joined its group yet');
      await lifecycle.checkBroker();
    });
  }
}
