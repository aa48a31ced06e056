import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { kcat, startCompatBroker } from '../test-support/compat-fixture';

const REPO_ROOT = path.resolve(__dirname, '../../../..');

describe('CLI and /metrics', () => {
  it('--help lists every option', async () => {
    const child = spawn(process.execPath, ['tools/run-ts.js', 'libs/embedded-kafka/src/cli.ts', '--help'], { cwd: REPO_ROOT });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    for (const flag of [
      '--port',
      '--data-dir',
      '--metrics-port',
      '--fsync',
      '--auto-create-topics',
      '--group-initial-rebalance-delay-ms',
      '--max-request-bytes',
    ]) {
      expect(out).toContain(flag);
    }
  });

  it('runs in the foreground and exits cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-cli-'));
    const child = spawn(
      process.execPath,
      ['tools/run-ts.js', 'libs/embedded-kafka/src/cli.ts', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'],
      {
        cwd: REPO_ROOT,
      },
    );
    try {
      let out = '';
      child.stdout.setEncoding('utf8');
      const bootstrap = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (text: string) => {
          out += text;
          const match = /listening on (\S+?:\d+)/.exec(out);
          if (match) resolve(match[1]);
        });
        child.once('exit', (code) => reject(new Error(`cli exited early with ${code}: ${out}`)));
      });
      expect(await kcat(['-b', bootstrap, '-L'])).toContain('(controller)');
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('exits with usage on a bad option', async () => {
    const child = spawn(process.execPath, ['tools/run-ts.js', 'libs/embedded-kafka/src/cli.ts', '--no-such-flag'], { cwd: REPO_ROOT });
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
  });

  it('serves bytes, requests per API and log-end offsets on /metrics', async () => {
    const fixture = await startCompatBroker({ metricsPort: 0 });
    try {
      await kcat(['-b', fixture.bootstrap, '-P', '-t', 'metered'], 'a\nb\nc\n');
      const res = await fetch(`http://127.0.0.1:${fixture.broker.metricsPort}/metrics`);
      const text = await res.text();
      expect(res.status).toBe(200);
      expect(text).toMatch(/tessera_broker_bytes_in_total \d+/);
      expect(text).toMatch(/tessera_broker_bytes_out_total \d+/);
      expect(text).toMatch(/tessera_broker_requests_total\{api="Produce"\} \d+/);
      expect(text).toContain('tessera_broker_log_end_offset{topic="metered",partition="0"} 3');
    } finally {
      await fixture.stop();
    }
  });
});
