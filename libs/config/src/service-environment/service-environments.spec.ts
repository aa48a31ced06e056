import { ConfigValidationError } from '../config-validation.error';
import { loadServiceConfig } from '../service-config';
import { SERVICE_NAMES } from '../service-catalog';
import { SHARED_VARIABLE_NAMES } from '../shared-environment';
import { describeServiceEnvironment, SERVICE_ENVIRONMENTS } from './service-environments';

describe('SERVICE_ENVIRONMENTS', () => {
  it('has an entry for every catalog service and nothing else', () => {
    expect(Object.keys(SERVICE_ENVIRONMENTS).sort()).toEqual([...SERVICE_NAMES].sort());
  });

  it.each(SERVICE_NAMES)('%s: its own variables load with the shared ones on their defaults', (name) => {
    const { spec, developmentOnly } = SERVICE_ENVIRONMENTS[name];
    expect(Object.keys(spec).filter((variable) => (SHARED_VARIABLE_NAMES as readonly string[]).includes(variable))).toEqual([]);
    for (const variable of developmentOnly) expect(Object.keys(spec)).toContain(variable);
    expect(() => loadServiceConfig(name, spec, {})).not.toThrow();
  });

  it('describes the gateway variables with their defaults and marks the dev write key development-only', () => {
    const docs = describeServiceEnvironment('ingest-gateway');
    expect(docs.find((doc) => doc.name === 'INGEST_ACK_TIMEOUT_MS')).toMatchObject({
      defaultValue: '10000',
      developmentOnly: false,
      requiredInProduction: false,
    });
    expect(docs.filter((doc) => doc.developmentOnly).map((doc) => doc.name)).toEqual(['TESSERA_DEV_WRITE_KEY']);
  });

  it('names the variable and the expectation for a bad service value', () => {
    const run = () => loadServiceConfig('validation', SERVICE_ENVIRONMENTS.validation.spec, { VALIDATION_DEFAULT_PHONE_REGION: 'XX' });
    expect(run).toThrow(ConfigValidationError);
    expect(run).toThrow(/VALIDATION_DEFAULT_PHONE_REGION must be an ISO 3166-1 alpha-2 region such as US or DE, got "XX"/);
  });
});
