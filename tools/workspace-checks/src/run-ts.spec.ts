import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createTranspiler } = require(path.join(REPO_ROOT, 'tools', 'ts-transpile.js')) as {
  createTranspiler: (cacheDir: string) => (source: string, filename: string) => { code: string; map: string };
};

describe('tools/run-ts.js', () => {
  it('runs TypeScript with decorator metadata, path aliases and TypeScript stack lines, without loading typescript', () => {
    const fixture = path.join(__dirname, 'test-support', 'run-ts-fixture.main.ts');
    const run = () =>
      spawnSync(process.execPath, [path.join(REPO_ROOT, 'tools', 'run-ts.js'), fixture, '--flag'], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        timeout: 30_000,
      });
    // The first run may fill the transpile cache, the second is served from it: both must behave the same.
    for (const result of [run(), run()]) {
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout)).toEqual({
        parameterTypes: ['Clock'],
        aliasResolved: true,
        stackLine: expect.stringContaining(`${fixture}:14:`),
        typescriptLoaded: false,
        argv: ['--flag'],
      });
    }
  });
});

describe('tools/run-ts.js after an edit', () => {
  it('runs the edited source, even with the same size and modification time', () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'run-ts-edit-'));
    try {
      const file = path.join(scratch, 'answer.ts');
      const run = () =>
        spawnSync(process.execPath, [path.join(REPO_ROOT, 'tools', 'run-ts.js'), file], {
          cwd: REPO_ROOT,
          encoding: 'utf8',
          env: { ...process.env, RUN_TS_CACHE_DIR: path.join(scratch, 'cache') },
          timeout: 30_000,
        });
      fs.writeFileSync(file, 'const answer: number = 1;\nprocess.stdout.write(String(answer));\n');
      const { mtime } = fs.statSync(file);
      expect(run().stdout).toBe('1');
      fs.writeFileSync(file, 'const answer: number = 2;\nprocess.stdout.write(String(answer));\n');
      fs.utimesSync(file, mtime, mtime);
      expect(run().stdout).toBe('2');
      expect(fs.readdirSync(path.join(scratch, 'cache'))).toHaveLength(1);
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });
});

describe('the transpile cache', () => {
  let cacheDir: string;
  let filename: string;
  beforeEach(() => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-ts-cache-'));
    filename = path.join(cacheDir, 'module.ts');
  });
  afterEach(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

  const entries = () => fs.readdirSync(cacheDir).map((name) => path.join(cacheDir, name));

  it('serves a file from its entry only while the source is the one the entry was made from', () => {
    const before = 'export const answer: number = 1;\n';
    const edited = 'export const answer: number = 2;\n';
    expect(createTranspiler(cacheDir)(before, filename).code).toContain('answer = 1');
    const [entry] = entries();
    // An entry changed behind the cache's back shows whether it is what a later start is served.
    const marked = JSON.parse(fs.readFileSync(entry, 'utf8'));
    fs.writeFileSync(entry, JSON.stringify({ ...marked, code: 'served from the cache' }));
    expect(createTranspiler(cacheDir)(before, filename).code).toBe('served from the cache');

    const afterEdit = createTranspiler(cacheDir)(edited, filename);
    expect(afterEdit.code).toContain('answer = 2');
    expect(JSON.parse(afterEdit.map).sources).toEqual([filename]);
    expect(entries()).toEqual([entry]);
    expect(createTranspiler(cacheDir)(before, filename).code).toContain('answer = 1');
  });

  it('compiles again over an unreadable entry, and without a cache directory it can write', () => {
    expect(createTranspiler(cacheDir)('export const a = 1;\n', filename).code).toContain('a = 1');
    fs.writeFileSync(entries()[0], '{"key": "trunc');
    expect(createTranspiler(cacheDir)('export const a = 1;\n', filename).code).toContain('a = 1');

    const notADirectory = path.join(cacheDir, 'file');
    fs.writeFileSync(notADirectory, '');
    expect(createTranspiler(notADirectory)('export const b = 2;\n', filename).code).toContain('b = 2');
  });
});
