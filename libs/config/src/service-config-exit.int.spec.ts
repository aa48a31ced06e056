import { spawnSync } from 'node:child_process';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '../../..');
const fixture = path.join(__dirname, 'test-support/load-config.main.ts');

function runMain(env: Record<string, string>) {
  const { NODE_ENV: _ignored, ...inherited } = process.env;
  return spawnSync(process.execPath, [path.join(repoRoot, 'tools/run-ts.js'), fixture], {
    cwd: repoRoot,
    env: { ...inherited, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('loadServiceConfigOrExit in a real process', () => {
  it('stops the process with status 1 and one line naming the variable', () => {
    const result = runMain({ PORT: 'abc' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('Invalid environment: PORT must be an integer 1-65535, got "abc"');
    expect(result.stdout).not.toContain('listening');
  });

  it('starts normally with a valid environment', () => {
    const result = runMain({ PORT: '18080' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('listening on 18080');
  });
});
