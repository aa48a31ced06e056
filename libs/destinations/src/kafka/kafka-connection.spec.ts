import { kafkaConnection } from './kafka-topic-adapter';

const base = { brokers: ['k:9093'], topic: 't', format: 'json' as const };

describe('kafkaConnection', () => {
  it('connects in plain text by default', () => {
    expect(kafkaConnection(base, {})).toEqual({ ssl: undefined, sasl: undefined });
  });
  it('takes SASL credentials from the secrets, never from config', () => {
    expect(kafkaConnection({ ...base, ssl: true, saslMechanism: 'scram-sha-512' }, { saslUsername: 'svc', saslPassword: 'pw' })).toEqual({
      ssl: true,
      sasl: { mechanism: 'scram-sha-512', username: 'svc', password: 'pw' },
    });
  });
  it('uses a CA and client certificate from the secrets, which implies TLS', () => {
    const pem = (what: string) => `-----BEGIN ${what}-----\nabc\n-----END ${what}-----`;
    expect(kafkaConnection(base, { sslCa: pem('CERTIFICATE'), sslCert: pem('CERTIFICATE'), sslKey: pem('PRIVATE KEY') })).toEqual({
      ssl: { ca: [pem('CERTIFICATE')], cert: pem('CERTIFICATE'), key: pem('PRIVATE KEY') },
      sasl: undefined,
    });
  });
});
