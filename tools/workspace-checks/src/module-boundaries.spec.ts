import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const RULE = '@nx/enforce-module-boundaries';

interface LintMessage {
  ruleId: string | null;
  message: string;
}

/**
 * Lints a would-be file at `relativePath` without writing it, and returns the boundary rule's messages. The real
 * eslint CLI runs in a child process, exactly as `npm run lint` runs it (jest's VM cannot load the ESM config).
 */
async function boundaryErrors(relativePath: string, code: string): Promise<string[]> {
  const run = spawnSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'),
      '--stdin',
      '--stdin-filename',
      path.join(ROOT, relativePath),
      '--format',
      'json',
    ],
    { cwd: ROOT, input: code, encoding: 'utf8' },
  );
  const [result] = JSON.parse(run.stdout) as Array<{ messages: LintMessage[] }>;
  return result.messages.filter((m) => m.ruleId === RULE).map((m) => m.message);
}

describe('Nx module boundaries (the tags in project.json are enforced by lint)', () => {
  beforeAll(() => {
    // The rule reads the cached project graph and silently skips itself without one; `npm run lint` builds it the same way.
    execFileSync(process.execPath, [require.resolve('nx/bin/nx.js'), 'show', 'projects'], {
      cwd: ROOT,
      env: { ...process.env, NX_DAEMON: 'false' },
      stdio: 'ignore',
    });
  }, 60_000);

  it('rejects a service importing the embedded broker', async () => {
    const errors = await boundaryErrors(
      'services/validation/src/deliberate-violation.ts',
      "import { startBroker } from '@tessera/embedded-kafka';\nexport const s = startBroker;\n",
    );
    expect(errors.join('\n')).toMatch(/type:service.*can only depend on libs tagged with/);
  });

  it('rejects a service importing another service', async () => {
    const errors = await boundaryErrors(
      'services/validation/src/deliberate-violation.ts',
      "import { AppModule } from '../../ingest-gateway/src/app.module';\nexport const m = AppModule;\n",
    );
    expect(errors.length).toBeGreaterThan(0);
  });

  it('rejects a plain library importing the test helpers', async () => {
    const errors = await boundaryErrors(
      'libs/kafka/src/deliberate-violation.ts',
      "import { createTestSchema } from '@tessera/testing';\nexport const c = createTestSchema;\n",
    );
    expect(errors.join('\n')).toMatch(/type:lib.*can only depend on libs tagged with/);
  });

  it('lets a test file of a service use the embedded broker', async () => {
    const errors = await boundaryErrors(
      'services/validation/src/deliberate.int.spec.ts',
      "import { startBroker } from '@tessera/embedded-kafka';\nexport const s = startBroker;\n",
    );
    expect(errors).toEqual([]);
  });

  it('lets a service use a shared library', async () => {
    const errors = await boundaryErrors(
      'services/validation/src/fine.ts',
      "import { SERVICE_CATALOG } from '@tessera/config';\nexport const c = SERVICE_CATALOG;\n",
    );
    expect(errors).toEqual([]);
  });
});
