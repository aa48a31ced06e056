import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { TOPIC_SPECS } from '@tessera/contracts';
import { createTestSchema, startTestBroker, type TestBroker, type TestSchema } from '@tessera/testing';
import { Kafka, logLevel } from 'kafkajs';
import { REPO_ROOT } from './dev-stack-settings';
import { freePort } from './free-port';

// The runtime stage of the Dockerfile without Docker: the same compile step, the same layout
// (/app/dist + /app/deploy/docker/start-service.js, node_modules found above), NODE_ENV=production.
describe('production image layout (compiled JS, no Docker)', () => {
  const appDir = path.join(REPO_ROOT, '.data', `image-smoke-${process.pid}`);
  let broker: TestBroker;
  let schema: TestSchema;

  beforeAll(async () => {
    fs.mkdirSync(path.join(appDir, 'deploy', 'docker'), { recursive: true });
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'deploy/docker/compile-ts.js'), path.join(appDir, 'dist')], { stdio: 'pipe' });
    fs.copyFileSync(path.join(REPO_ROOT, 'deploy/docker/start-service.js'), path.join(appDir, 'deploy/docker/start-service.js'));
    broker = await startTestBroker();
    schema = await createTestSchema('image_smoke');
  });

  afterAll(async () => {
    await schema?.drop();
    await broker?.stop();
    fs.rmSync(appDir, { recursive: true, force: true });
  });

  it('creates every catalog topic with the compiled create-topics entry point', async () => {
    // Asynchronous on purpose: the broker runs in this process and must keep answering meanwhile.
    const child = spawn(process.execPath, ['dist/tools/dev-stack/src/create-topics.js'], {
      cwd: appDir,
      env: { ...process.env, KAFKA_BROKERS: broker.brokers.join(','), NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const status = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    expect(stdout).toContain('topics created: cdp.events.raw');
    const admin = new Kafka({ clientId: 'image-smoke', brokers: broker.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: TOPIC_SPECS.map((spec) => spec.name) });
      for (const spec of TOPIC_SPECS) {
        expect([spec.name, metadata.topics.find((t) => t.name === spec.name)?.partitions.length]).toEqual([spec.name, spec.partitions]);
      }
    } finally {
      await admin.disconnect();
    }
  });

  it('refuses an unknown service name with the list of valid ones', () => {
    const result = spawnSync(process.execPath, ['deploy/docker/start-service.js', 'no-such-service'], { cwd: appDir, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('expected one of: ingest-gateway, validation');
  });

  it('runs a service in production mode to ready, then exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['deploy/docker/start-service.js', 'validation'], {
      cwd: appDir,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        PORT: String(port),
        DATABASE_URL: schema.url,
        DATABASE_SCHEMA: schema.schema,
        KAFKA_BROKERS: broker.brokers.join(','),
        TESSERA_ADMIN_TOKEN: 'image-smoke-admin-token-0123456789',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      let status = 0;
      for (let attempt = 0; attempt < 200 && status !== 200 && child.exitCode === null; attempt += 1) {
        status = await fetch(`http://127.0.0.1:${port}/readyz`).then(
          (res) => res.status,
          () => 0,
        );
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 150));
      }
      expect({ status, output }).toEqual({ status: 200, output: '' });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
