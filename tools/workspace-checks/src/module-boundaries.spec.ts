import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const RULE = '@nx/enforce-module-boundaries';

interface LintMessage {
  ruleId: string | null;
  message: string;
}

/** Would-be files, linted without being written: where each would sit, and what it would say. */
const FILES = {
  serviceImportingBroker: {
    path: 'services/validation/src/deliberate-violation.ts',
    code: "import { startBroker } from '@tessera/embedded-kafka';\nexport const s = startBroker;\n",
  },
  serviceImportingService: {
    path: 'services/validation/src/deliberate-violation.ts',
    code: "import { AppModule } from '../../ingest-gateway/src/app.module';\nexport const m = AppModule;\n",
  },
  libImportingTesting: {
    path: 'libs/kafka/src/deliberate-violation.ts',
    code: "import { createTestSchema } from '@tessera/testing';\nexport const c = createTestSchema;\n",
  },
  serviceTestImportingBroker: {
    path: 'services/validation/src/deliberate.int.spec.ts',
    code: "import { startBroker } from '@tessera/embedded-kafka';\nexport const s = startBroker;\n",
  },
  serviceImportingSharedLib: {
    path: 'services/validation/src/fine.ts',
    code: "import { SERVICE_CATALOG } from '@tessera/config';\nexport const c = SERVICE_CATALOG;\n",
  },
};
type FileName = keyof typeof FILES;

/**
 * Lints every file of FILES and returns the boundary rule's messages per file. The real eslint config runs in a
 * child process (jest's VM cannot load the ESM config), through the ESLint API as the eslint CLI calls it for
 * `--stdin --stdin-filename`, all files in one process (test-support/lint-texts.main.ts).
 */
function boundaryErrors(): Record<FileName, string[]> {
  const names = Object.keys(FILES) as FileName[];
  const run = spawnSync(
    process.execPath,
    [path.join(ROOT, 'tools', 'run-ts.js'), path.join(__dirname, 'test-support', 'lint-texts.main.ts')],
    {
      cwd: ROOT,
      input: JSON.stringify(names.map((name) => ({ filePath: path.join(ROOT, FILES[name].path), code: FILES[name].code }))),
      encoding: 'utf8',
    },
  );
  if (run.status !== 0) throw new Error(`lint-texts exited with ${run.status}:\n${run.stderr}`);
  const messages = JSON.parse(run.stdout) as LintMessage[][];
  return Object.fromEntries(names.map((name, i) => [name, messages[i].filter((m) => m.ruleId === RULE).map((m) => m.message)])) as Record<
    FileName,
    string[]
  >;
}

describe('Nx module boundaries (the tags in project.json are enforced by lint)', () => {
  let errors: Record<FileName, string[]>;

  beforeAll(() => {
    // The rule reads the cached project graph and silently skips itself without one; `npm run lint` builds it the same way.
    execFileSync(process.execPath, [require.resolve('nx/bin/nx.js'), 'show', 'projects'], {
      cwd: ROOT,
      env: { ...process.env, NX_DAEMON: 'false' },
      stdio: 'ignore',
    });
    errors = boundaryErrors();
  }, 120_000);

  it('rejects a service importing the embedded broker', () => {
    expect(errors.serviceImportingBroker.join('\n')).toMatch(/type:service.*can only depend on libs tagged with/);
  });

  it('rejects a service importing another service', () => {
    expect(errors.serviceImportingService.length).toBeGreaterThan(0);
  });

  it('rejects a plain library importing the test helpers', () => {
    expect(errors.libImportingTesting.join('\n')).toMatch(/type:lib.*can only depend on libs tagged with/);
  });

  it('lets a test file of a service use the embedded broker', () => {
    expect(errors.serviceTestImportingBroker).toEqual([]);
  });

  it('lets a service use a shared library', () => {
    expect(errors.serviceImportingSharedLib).toEqual([]);
  });
});
