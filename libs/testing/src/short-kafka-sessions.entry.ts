// Child-process entry for crash tests: `node tools/run-ts.js libs/testing/src/short-kafka-sessions.entry.ts
// services/<name>/src/main.ts` runs the service's own main.ts unchanged, except that every kafkajs consumer gets
// a short session. A SIGKILLed member then leaves its group in seconds: with the services' 30 s default the
// group would wait for the dead member's session to expire before a restarted instance gets any partition.
import path from 'node:path';
import type { ConsumerConfig, Kafka } from 'kafkajs';
import { SHORT_SESSIONS_MARKER } from './service-child-process';

const SHORT_SESSION = { sessionTimeout: 5_000, heartbeatInterval: 500, rebalanceTimeout: 10_000 } as const;

const entry = process.argv[2];
if (!entry) {
  process.stderr.write('usage: node tools/run-ts.js libs/testing/src/short-kafka-sessions.entry.ts <main.ts>\n');
  process.exit(2);
}
process.argv.splice(1, 2, path.resolve(entry));
// The service loads first, so @tessera/kafka swaps its fast paths into kafkajs before kafkajs loads, exactly as
// in production. Its imports are synchronous and its consumers are created later, in Nest's asynchronous
// bootstrap, so the patch below is in place before the first consumer exists.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the service's main.ts, chosen at run time
require(path.resolve(entry));
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the instance the service has just loaded
const kafkajs = require('kafkajs') as { Kafka: typeof Kafka };
const createConsumer = kafkajs.Kafka.prototype.consumer;
kafkajs.Kafka.prototype.consumer = function consumerWithShortSession(this: Kafka, config: ConsumerConfig) {
  // One line per consumer, so a test can check from the child's output that the patch took effect.
  process.stderr.write(`${SHORT_SESSIONS_MARKER} ${config.groupId}: session ${SHORT_SESSION.sessionTimeout} ms\n`);
  return createConsumer.call(this, { ...config, ...SHORT_SESSION });
};
