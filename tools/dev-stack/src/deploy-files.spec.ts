import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  describeServiceEnvironment,
  describeSharedEnvironment,
  loadServiceConfig,
  SERVICE_CATALOG,
  SERVICE_ENVIRONMENTS,
  SERVICE_NAMES,
  SHARED_VARIABLE_NAMES,
  type EnvSource,
  type ServiceName,
} from '@tessera/config';
import { parse, parseAllDocuments } from 'yaml';
import { CREATE_TOPICS_ENVIRONMENT } from './create-topics-environment';
import { connectionAllowed, OUTSIDE, type NetworkPolicy, type Pod } from './test-support/network-policy';
import { REPO_ROOT } from './dev-stack-settings';

// No Docker engine or cluster here: these tests hold the deploy files to the code instead, so a port, schema or
// variable renamed in libs/config fails here rather than in someone's deployment.

type Yaml = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const read = (relative: string) => fs.readFileSync(path.join(REPO_ROOT, relative), 'utf8');
const yamlFile = (relative: string): Yaml => parse(read(relative), { merge: true }) as Yaml;
const yamlDocuments = (relative: string): Yaml[] => parseAllDocuments(read(relative)).map((doc) => doc.toJS({ merge: true }) as Yaml);

const SHARED_VARIABLES = new Set<string>(SHARED_VARIABLE_NAMES);
const requiredInProduction = (name: ServiceName) =>
  describeSharedEnvironment(SERVICE_CATALOG[name])
    .filter((v) => v.requiredInProduction)
    .map((v) => v.name);
/** The service's own variables (libs/config SERVICE_ENVIRONMENTS) that production deploy files must set. */
const ownDeployedVariables = (name: ServiceName) =>
  describeServiceEnvironment(name)
    .filter((v) => !v.developmentOnly)
    .map((v) => v.name);
/**
 * What a service's deploy environment may set: the shared variables (with its own `<SERVICE>_ADMIN_TOKEN` and
 * `<SERVICE>_READ_TOKEN`) and its own, never a development-only one.
 */
const knownVariables = (name: ServiceName) =>
  new Set([...SHARED_VARIABLES, ...describeSharedEnvironment(SERVICE_CATALOG[name]).map((v) => v.name), ...ownDeployedVariables(name)]);
const unknownVariables = (name: ServiceName, variables: string[]) => variables.filter((variable) => !knownVariables(name).has(variable));
/** Loads the service's configuration from a deploy file's environment, as the service would at start. */
const expectValidEnvironment = (name: ServiceName, env: EnvSource) =>
  expect(() => loadServiceConfig(name, SERVICE_ENVIRONMENTS[name].spec, env)).not.toThrow();
/** `ingest-gateway` -> `INGEST_GATEWAY_DB_PASSWORD`: the compose variable holding that service's database password. */
const dbPasswordVariable = (name: ServiceName) => `${name.toUpperCase().replace(/-/g, '_')}_DB_PASSWORD`;
/** Compose interpolation of the forms this file uses: ${VAR:-default} and ${VAR:?message} (a value from the shell). */
const composeValue = (value: string) =>
  value.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1').replace(/\$\{[A-Z0-9_]+:\?[^}]*\}/g, 'a-value-set-in-the-shell');

describe('docker-compose.yml', () => {
  const compose = yamlFile('docker-compose.yml');
  const services = compose.services as Record<string, Yaml>;

  it('runs Apache Kafka in KRaft mode from the official image, Postgres and Prometheus', () => {
    expect(services.kafka.image).toMatch(/^apache\/kafka:\d/);
    expect(services.kafka.environment.KAFKA_PROCESS_ROLES).toContain('controller');
    expect(services.kafka.environment.KAFKA_CONTROLLER_QUORUM_VOTERS).toBeDefined();
    expect(Object.keys(services).filter((name) => /zookeeper/i.test(name))).toEqual([]);
    expect(services.postgres.image).toMatch(/^postgres:\d/);
    expect(services.prometheus.volumes).toContain('./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro');
  });

  it.each(SERVICE_NAMES)('runs %s with its catalog port, schema and only variables the config knows', (name) => {
    const { defaultPort, schema } = SERVICE_CATALOG[name];
    const service = services[name];
    expect(service).toBeDefined();
    expect(service.command).toEqual([name]);
    // Only the gateway is public; the others serve admin APIs, published for the host's operator alone.
    expect(service.ports).toEqual([
      name === 'ingest-gateway' ? `${defaultPort}:${defaultPort}` : `127.0.0.1:${defaultPort}:${defaultPort}`,
    ]);
    const env = service.environment as Record<string, string>;
    expect(env.PORT).toBe(String(defaultPort));
    expect(env.DATABASE_SCHEMA).toBe(schema);
    expect(new URL(env.DATABASE_URL.replace(/\$\{[^}]*\}/g, 'x')).username).toBe(`${schema}_svc`);
    expect(unknownVariables(name, Object.keys(env))).toEqual([]);
    for (const variable of [...requiredInProduction(name), ...ownDeployedVariables(name)]) expect(env).toHaveProperty(variable);
    expectValidEnvironment(
      name,
      Object.fromEntries(Object.entries(env).map(([variable, value]) => [variable, composeValue(String(value))])),
    );
    expect(env.NODE_ENV).toBe('production');
    expect(service.healthcheck.test.join(' ')).toContain('/readyz');
    expect(service.depends_on).toMatchObject({
      postgres: { condition: 'service_healthy' },
      'create-topics': { condition: 'service_completed_successfully' },
    });
    expect(services.prometheus.depends_on).toContain(name);
  });

  it('points every service at the Kafka listener the broker advertises', () => {
    const advertised: string = services.kafka.environment.KAFKA_ADVERTISED_LISTENERS;
    for (const name of SERVICE_NAMES) {
      for (const broker of services[name].environment.KAFKA_BROKERS.split(',')) expect(advertised).toContain(`://${broker}`);
    }
    expect(advertised).toContain(`://${services['create-topics'].environment.KAFKA_BROKERS}`);
  });

  it('creates the topics with the compiled create-topics entry point and its known variables', () => {
    const createTopics = services['create-topics'];
    expect(createTopics.entrypoint).toEqual(['node', 'dist/tools/dev-stack/src/create-topics.js']);
    expect(fs.existsSync(path.join(REPO_ROOT, 'tools/dev-stack/src/create-topics.ts'))).toBe(true);
    expect(Object.keys(createTopics.environment).sort()).toEqual(Object.keys(CREATE_TOPICS_ENVIRONMENT).sort());
    expect(createTopics.depends_on).toMatchObject({ kafka: { condition: 'service_healthy' } });
  });

  it('gives each service schema its own Postgres role, with its own password, in the init script', () => {
    const script = read('deploy/postgres/init/01-service-roles.sh');
    const entries = [...script.matchAll(/^ {2}([a-z_]+):([A-Z_]+)/gm)].map(([, schema, variable]) => [schema, variable]);
    expect(Object.fromEntries(entries)).toEqual(
      Object.fromEntries(SERVICE_NAMES.map((name) => [SERVICE_CATALOG[name].schema, dbPasswordVariable(name)])),
    );
    expect(services.postgres.volumes).toContain('./deploy/postgres/init:/docker-entrypoint-initdb.d:ro');
    for (const name of SERVICE_NAMES) {
      const variable = dbPasswordVariable(name);
      // The role's password reaches Postgres (for the init script) and the service's URL from the same variable.
      expect(services.postgres.environment[variable]).toMatch(new RegExp(`^\\$\\{${variable}:\\?`));
      const url = services[name].environment.DATABASE_URL as string;
      expect(url).toMatch(
        new RegExp(`^postgres://${SERVICE_CATALOG[name].schema}_svc:\\$\\{${variable}:\\?[^}]*\\}@postgres:5432/tessera$`),
      );
    }
  });

  it('has no default for any password or token: compose refuses to start without them', () => {
    const text = read('docker-compose.yml');
    // An empty default (`${X_ADMIN_TOKEN:-}`) leaves an optional secret unset; a non-empty one would be a default secret.
    const defaulted = [...text.matchAll(/\$\{([A-Z0-9_]+):?-([^}]+)\}/g)].map(([, variable]) => variable);
    expect(defaulted.filter((variable) => /PASSWORD|TOKEN|SECRET|KEY/.test(variable))).toEqual([]);
    expect(services.postgres.environment.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
    expect(text).not.toContain('TESSERA_SERVICE_DB_PASSWORD');
  });

  it('publishes Postgres, Kafka and Prometheus on 127.0.0.1 only, and never the PLAINTEXT listener the services use', () => {
    for (const name of ['postgres', 'kafka', 'prometheus', 'create-topics']) {
      for (const mapping of (services[name].ports ?? []) as string[])
        expect([name, mapping]).toEqual([name, expect.stringMatching(/^127\.0\.0\.1:\d+:\d+$/)]);
    }
    const kafka = services.kafka.environment;
    const listeners = Object.fromEntries(
      (kafka.KAFKA_LISTENERS as string)
        .split(',')
        .map((entry) => entry.split('://'))
        .map(([listener, address]) => [listener, Number(address.split(':').pop())]),
    );
    const published = (services.kafka.ports as string[]).map((mapping) => Number(mapping.split(':').pop()));
    expect(published).not.toContain(listeners.PLAINTEXT);
    expect(published).not.toContain(listeners.CONTROLLER);
    expect(kafka.KAFKA_ADVERTISED_LISTENERS).toMatch(/EXTERNAL:\/\/(localhost|127\.0\.0\.1):/);
  });
});

describe('deploy/k8s', () => {
  const configMap = yamlFile('deploy/k8s/configmap.yaml');
  const secrets = yamlDocuments('deploy/k8s/secrets.example.yaml');
  const secretKeys = new Map(secrets.map((secret) => [secret.metadata.name as string, Object.keys(secret.stringData)]));

  // REPLACE_ME placeholders become a value long enough for the production checks (16+ character admin token).
  const secretValues = new Map(
    secrets.flatMap((secret) =>
      Object.entries(secret.stringData as Record<string, string>).map(([key, value]) => [
        `${secret.metadata.name}/${key}`,
        value.replace('REPLACE_ME', 'replace-me-0123456789'),
      ]),
    ),
  );

  it('only sets shared variables in the shared ConfigMap', () => {
    expect(Object.keys(configMap.data).filter((variable) => !SHARED_VARIABLES.has(variable))).toEqual([]);
  });

  it('lists every manifest except the secrets template in kustomization.yaml', () => {
    const kustomization = yamlFile('deploy/k8s/kustomization.yaml');
    const manifests = fs
      .readdirSync(path.join(REPO_ROOT, 'deploy/k8s'))
      .filter((file) => file.endsWith('.yaml') && !['kustomization.yaml', 'secrets.example.yaml'].includes(file));
    expect([...kustomization.resources].sort()).toEqual(manifests.sort());
  });

  it.each(SERVICE_NAMES)('has a Deployment and Service for %s matching the catalog, with probes and resources', (name) => {
    const { defaultPort, schema } = SERVICE_CATALOG[name];
    const docs = yamlDocuments(`deploy/k8s/${name}.yaml`);
    const deployment = docs.find((doc) => doc.kind === 'Deployment')!;
    const ownConfigMaps = docs.filter((doc) => doc.kind === 'ConfigMap');
    const service = docs.find((doc) => doc.kind === 'Service')!;
    expect(deployment.metadata.name).toBe(name);
    const pod = deployment.spec.template;
    expect(deployment.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': name });
    expect(pod.metadata.labels['app.kubernetes.io/name']).toBe(name);
    const [container] = pod.spec.containers as Yaml[];
    expect(container.args).toEqual([name]);
    expect(container.ports).toEqual([{ name: 'http', containerPort: defaultPort }]);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container.resources.limits.memory).toEqual(expect.any(String));
    expect(pod.metadata.annotations['prometheus.io/port']).toBe(String(defaultPort));

    const env = container.env as Array<{ name: string; value?: string; valueFrom?: Yaml }>;
    const setHere = env.map((variable) => variable.name);
    expect(unknownVariables(name, setHere)).toEqual([]);
    expect(env.find((v) => v.name === 'PORT')?.value).toBe(String(defaultPort));
    expect(env.find((v) => v.name === 'DATABASE_SCHEMA')?.value).toBe(schema);
    // A service's own settings sit in a <service>-config ConfigMap beside its Deployment, so they reach only its pods.
    const ownData: Record<string, string> = ownConfigMaps[0]?.data ?? {};
    if (ownDeployedVariables(name).length === 0) {
      expect(ownConfigMaps).toEqual([]);
      expect(container.envFrom).toEqual([{ configMapRef: { name: configMap.metadata.name } }]);
    } else {
      expect(ownConfigMaps.map((doc) => doc.metadata.name)).toEqual([`${name}-config`]);
      expect(Object.keys(ownData).sort()).toEqual([...ownDeployedVariables(name)].sort());
      expect(container.envFrom).toEqual([
        { configMapRef: { name: configMap.metadata.name } },
        { configMapRef: { name: `${name}-config` } },
      ]);
    }
    const available = new Set([...setHere, ...Object.keys(configMap.data), ...Object.keys(ownData)]);
    for (const variable of [...requiredInProduction(name), ...ownDeployedVariables(name)])
      expect([variable, available.has(variable)]).toEqual([variable, true]);
    const secretValue = (ref: { name: string; key: string }) => secretValues.get(`${ref.name}/${ref.key}`);
    const containerEnv = Object.fromEntries(env.map((v) => [v.name, v.value ?? secretValue(v.valueFrom!.secretKeyRef)]));
    expectValidEnvironment(name, { ...configMap.data, ...ownData, ...containerEnv });
    for (const variable of env.filter((v) => v.valueFrom?.secretKeyRef)) {
      const { name: secretName, key } = variable.valueFrom!.secretKeyRef;
      expect(secretKeys.get(secretName)).toContain(key);
    }

    // The drain (SHUTDOWN_TIMEOUT_MS) plus the preStop pause must end before Kubernetes sends SIGKILL.
    const preStopSeconds = Number(container.lifecycle.preStop.exec.command[1]);
    expect(pod.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(
      Number(configMap.data.SHUTDOWN_TIMEOUT_MS) + preStopSeconds * 1000,
    );

    expect(service.metadata.name).toBe(name);
    expect(service.spec.selector).toEqual({ 'app.kubernetes.io/name': name });
    expect(service.spec.ports).toEqual([{ name: 'http', port: defaultPort, targetPort: 'http' }]);
  });

  describe('network-policy.yaml', () => {
    const policies = yamlDocuments('deploy/k8s/network-policy.yaml') as NetworkPolicy[];
    const podOf = (manifest: Yaml, namespace = 'tessera'): Pod => {
      const template = manifest.spec.template;
      const ports = (template.spec.containers as Yaml[]).flatMap(
        (container) => (container.ports ?? []) as Array<{ name: string; containerPort: number }>,
      );
      return {
        namespace,
        labels: template.metadata.labels,
        namedPorts: Object.fromEntries(ports.map((port) => [port.name, port.containerPort])),
      };
    };
    // The pods as the manifests label them, so a renamed label breaks this test rather than the policy.
    const servicePods = new Map(
      SERVICE_NAMES.map((name) => [name, podOf(yamlDocuments(`deploy/k8s/${name}.yaml`).find((doc) => doc.kind === 'Deployment')!)]),
    );
    const createTopics = podOf(yamlFile('deploy/k8s/create-topics-job.yaml'));
    const postgres: Pod = { namespace: 'tessera', labels: { 'app.kubernetes.io/name': 'postgres' } };
    const kafka: Pod = { namespace: 'tessera', labels: { 'app.kubernetes.io/name': 'kafka' } };
    const prometheus: Pod = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } };
    const strangers: Pod[] = [
      { namespace: 'tessera', labels: { run: 'debug-shell' } },
      { namespace: 'other-team', labels: { 'app.kubernetes.io/name': 'validation' } },
      { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'grafana' } },
    ];
    const allowed = (from: Pod | typeof OUTSIDE, to: Pod | typeof OUTSIDE, port: number, protocol: 'TCP' | 'UDP' = 'TCP') =>
      connectionAllowed(policies, { from, to, port, protocol });
    const httpPort = (name: ServiceName) => SERVICE_CATALOG[name].defaultPort;

    it('is in the tessera namespace and denies everything it does not allow', () => {
      expect(policies.every((policy) => policy.kind === 'NetworkPolicy' && policy.metadata.namespace === 'tessera')).toBe(true);
      expect(policies).toContainEqual(expect.objectContaining({ spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } }));
    });

    it('lets only the gateway take traffic from outside, on its HTTP port', () => {
      for (const name of SERVICE_NAMES)
        expect([name, allowed(OUTSIDE, servicePods.get(name)!, httpPort(name))]).toEqual([name, name === 'ingest-gateway']);
      expect(allowed(OUTSIDE, servicePods.get('ingest-gateway')!, 9999)).toBe(false);
      for (const target of [postgres, kafka, createTopics])
        expect(allowed(OUTSIDE, target, 5432) || allowed(OUTSIDE, target, 9092)).toBe(false);
      for (const stranger of strangers) {
        for (const name of SERVICE_NAMES.filter((n) => n !== 'ingest-gateway'))
          expect([stranger, name, allowed(stranger, servicePods.get(name)!, httpPort(name))]).toEqual([stranger, name, false]);
      }
    });

    it('lets only the services reach Postgres, and only they and create-topics reach Kafka', () => {
      for (const [name, pod] of servicePods) {
        expect([name, allowed(pod, postgres, 5432), allowed(pod, kafka, 9092)]).toEqual([name, true, true]);
        expect([name, allowed(pod, { ...kafka, namespace: 'kafka' }, 9092)]).toEqual([name, true]);
      }
      expect([allowed(createTopics, kafka, 9092), allowed(createTopics, postgres, 5432)]).toEqual([true, false]);
      for (const stranger of [...strangers, prometheus])
        expect([stranger, allowed(stranger, postgres, 5432), allowed(stranger, kafka, 9092)]).toEqual([stranger, false, false]);
      expect(allowed(OUTSIDE, postgres, 5432)).toBe(false);
    });

    it('keeps services from calling each other, lets Prometheus scrape them, and lets every pod resolve names', () => {
      for (const [from, fromPod] of servicePods) {
        for (const [to, toPod] of servicePods)
          if (from !== to && to !== 'ingest-gateway') expect([from, to, allowed(fromPod, toPod, httpPort(to))]).toEqual([from, to, false]);
        expect([from, allowed(prometheus, fromPod, httpPort(from))]).toEqual([from, true]);
        expect([from, allowed(fromPod, OUTSIDE, 443)]).toEqual([from, from === 'activation-dispatcher' || from === 'connectors']);
      }
      const kubeDns: Pod = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };
      for (const pod of [...servicePods.values(), createTopics]) expect(allowed(pod, kubeDns, 53, 'UDP')).toBe(true);
    });
  });

  it('runs the create-topics Job with the compiled entry point and its known variables', () => {
    const job = yamlFile('deploy/k8s/create-topics-job.yaml');
    const [container] = job.spec.template.spec.containers as Yaml[];
    expect(container.command).toEqual(['node', 'dist/tools/dev-stack/src/create-topics.js']);
    expect((container.env as Yaml[]).map((v) => v.name).sort()).toEqual(Object.keys(CREATE_TOPICS_ENVIRONMENT).sort());
  });
});

describe('deploy/prometheus/prometheus.yml', () => {
  it('scrapes /metrics of every service on its catalog port, and nothing else', () => {
    const config = yamlFile('deploy/prometheus/prometheus.yml');
    const jobs = config.scrape_configs as Yaml[];
    expect(jobs.map((job) => job.job_name).sort()).toEqual([...SERVICE_NAMES].sort());
    for (const job of jobs) {
      const { defaultPort } = SERVICE_CATALOG[job.job_name as ServiceName];
      expect(job.metrics_path).toBe('/metrics');
      expect(job.static_configs[0].targets).toEqual([`${job.job_name}:${defaultPort}`]);
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');

  it('exposes every service port and starts through the catalog-checked entry point', () => {
    const exposed = /^EXPOSE (.+)$/m.exec(dockerfile)![1].split(/\s+/).map(Number);
    expect(exposed.sort()).toEqual(SERVICE_NAMES.map((name) => SERVICE_CATALOG[name].defaultPort).sort());
    expect(dockerfile).toContain('ENTRYPOINT ["node", "deploy/docker/start-service.js"]');
    for (const [, source] of dockerfile.matchAll(/^COPY (?!--from)(\S+) /gm)) {
      expect([source, fs.existsSync(path.join(REPO_ROOT, source))]).toEqual([source, true]);
    }
  });

  it('compiles an entry point for every service and for create-topics', () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-dist-'));
    try {
      execFileSync(process.execPath, [path.join(REPO_ROOT, 'deploy/docker/compile-ts.js'), outDir], { cwd: REPO_ROOT, stdio: 'pipe' });
      for (const name of SERVICE_NAMES) expect(fs.existsSync(path.join(outDir, 'services', name, 'src', 'main.js'))).toBe(true);
      expect(fs.existsSync(path.join(outDir, 'tools/dev-stack/src/create-topics.js'))).toBe(true);
      expect(fs.existsSync(path.join(outDir, 'libs/config/src/index.js'))).toBe(true);
      const appModule = fs.readFileSync(path.join(outDir, 'services/validation/src/app.module.js'), 'utf8');
      expect(appModule).not.toContain('@tessera/');
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  });
});
