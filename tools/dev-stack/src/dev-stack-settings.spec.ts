import path from 'node:path';
import { readDevStackSettings, REPO_ROOT } from './dev-stack-settings';

describe('readDevStackSettings', () => {
  it('defaults to embedded everything on the catalog ports with data under .data', () => {
    const settings = readDevStackSettings({});
    expect(settings.dataDir).toBe(path.join(REPO_ROOT, '.data'));
    expect(settings.externalKafkaBrokers).toBeUndefined();
    expect(settings.externalDatabaseUrl).toBeUndefined();
    expect(settings.kafkaPort).toBe(9092);
    expect(settings.kafkaKind).toBe('embedded');
    expect(settings.postgresPort).toBe(5432);
    expect(settings.servicePorts).toEqual({
      'ingest-gateway': 8080,
      validation: 8081,
      'identity-resolver': 8082,
      'profile-merger': 8083,
      'segment-evaluator': 8084,
      'activation-dispatcher': 8085,
      connectors: 8086,
    });
  });

  it('runs Apache Kafka itself with TESSERA_KAFKA=apache, and refuses another value', () => {
    expect(readDevStackSettings({ TESSERA_KAFKA: 'apache' }).kafkaKind).toBe('apache');
    expect(() => readDevStackSettings({ TESSERA_KAFKA: 'confluent' })).toThrow('TESSERA_KAFKA must be embedded or apache, got "confluent"');
  });

  it('uses external Kafka and Postgres, fixed secrets and per-service ports when given', () => {
    const settings = readDevStackSettings({
      KAFKA_BROKERS: 'kafka:9092',
      DATABASE_URL: 'postgres://u:p@db:5432/x',
      TESSERA_DEV_WRITE_KEY: 'wk',
      TESSERA_ADMIN_TOKEN: 'at',
      TESSERA_READ_TOKEN: 'rt',
      VALIDATION_PORT: '9181',
      TESSERA_DATA_DIR: '/tmp/somewhere',
    });
    expect(settings).toMatchObject({
      externalKafkaBrokers: 'kafka:9092',
      externalDatabaseUrl: 'postgres://u:p@db:5432/x',
      fixedWriteKey: 'wk',
      fixedAdminToken: 'at',
      fixedReadToken: 'rt',
      dataDir: '/tmp/somewhere',
    });
    expect(settings.servicePorts.validation).toBe(9181);
  });

  it('puts everything on free ports in ephemeral mode unless a port is given', () => {
    const settings = readDevStackSettings({ TESSERA_DEV_EPHEMERAL_PORTS: '1', INGEST_GATEWAY_PORT: '18080' });
    expect(settings.kafkaPort).toBe(0);
    expect(settings.postgresPort).toBe(0);
    expect(settings.servicePorts.validation).toBe(0);
    expect(settings.servicePorts['ingest-gateway']).toBe(18080);
  });

  it('names the variable of a bad port', () => {
    expect(() => readDevStackSettings({ TESSERA_KAFKA_PORT: 'abc' })).toThrow(
      'TESSERA_KAFKA_PORT must be a port number 0-65535, got "abc"',
    );
  });
});
