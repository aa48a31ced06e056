import { Injectable } from '@nestjs/common';
import { KafkaLifecycle } from '@tessera/kafka-nest';
import { ReadinessRegistry } from '../health/readiness-registry';

/** Adds the `kafka` readiness check: the producer is connected and every consumer has joined its group. */
@Injectable()
export class KafkaReadinessCheck {
  constructor(readiness: ReadinessRegistry, lifecycle: KafkaLifecycle) {
    readiness.register('kafka', () => {
      if (!lifecycle.isReady()) throw new Error('Kafka producer not connected or a consumer has not joined its group yet');
    });
  }
}
