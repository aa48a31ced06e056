/* eslint-disable @typescript-eslint/no-require-imports -- kafkajs's untyped internals */
import { createKafkaClient } from './index';

/** The fix only helps if kafkajs's producers really call it: start-up (jest's setup file here, runService in a service) swaps it in. */
describe('kafkajs sendMessages swap', () => {
  it('is what a producer created after start-up uses', () => {
    createKafkaClient({ clientId: 'install-check', brokers: ['127.0.0.1:1'] }).producer({ idempotent: true });
    expect(require.cache[require.resolve('kafkajs/src/producer/messageProducer')]).toBeDefined();
    expect(require('kafkajs/src/producer/sendMessages')[Symbol.for('tessera.kafkajs-fast-path')]).toBe(true);
  });
});
