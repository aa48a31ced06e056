import {
  KafkaJSAggregateError,
  KafkaJSConnectionError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSSASLAuthenticationError,
} from 'kafkajs';
import { classifyKafkaError } from './kafka-error-classification';

const protocol = (type: string) => new KafkaJSProtocolError({ type, code: 0, retriable: false, message: `${type} from broker` } as never);

describe('classifyKafkaError', () => {
  it('names refused SASL credentials and missing ACLs as auth failures, even when wrapped by retries', () => {
    expect(
      classifyKafkaError(
        new (KafkaJSSASLAuthenticationError as unknown as new (m: string) => Error)('SASL PLAIN authentication failed'),
        't',
      ),
    ).toMatchObject({ outcome: 'auth_failed', error: expect.stringMatching(/^the Kafka cluster rejected the credentials/) });
    expect(
      classifyKafkaError(
        new KafkaJSNumberOfRetriesExceeded(protocol('TOPIC_AUTHORIZATION_FAILED'), { retryCount: 3, retryTime: 100 } as never),
        't',
      ).outcome,
    ).toBe('auth_failed');
    expect(classifyKafkaError(new KafkaJSAggregateError('many', [protocol('CLUSTER_AUTHORIZATION_FAILED')] as never), 't').outcome).toBe(
      'auth_failed',
    );
  });
  it('treats records the broker will never take as terminal', () => {
    expect(classifyKafkaError(protocol('MESSAGE_TOO_LARGE'), 't').outcome).toBe('terminal');
  });
  it('retries everything else', () => {
    expect(classifyKafkaError(new KafkaJSConnectionError('Connection error: ECONNREFUSED'), 't').outcome).toBe('retry');
    expect(classifyKafkaError(protocol('UNKNOWN_TOPIC_OR_PARTITION'), 'audience.gold')).toEqual({
      outcome: 'retry',
      error: 'topic "audience.gold" does not exist on the cluster (Tessera does not create it): UNKNOWN_TOPIC_OR_PARTITION from broker',
    });
  });
});
