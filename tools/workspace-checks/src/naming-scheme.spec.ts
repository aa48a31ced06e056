import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** The TypeScript files git tracks in the projects (the generated contract types are the codegen's). */
function sourceFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '-z', '--', 'services/*.ts', 'libs/*.ts', 'tools/*.ts', 'bench/*.ts'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return listed.split('\0').filter((file) => file !== '' && !file.includes('/generated/'));
}

/** The naming scheme the README's "Repository layout" documents, checked so that it stays true. */
describe('naming scheme', () => {
  const files = sourceFiles().map((file) => ({ file, text: readFileSync(path.join(ROOT, file), 'utf8') }));

  it('puts each class that extends an Error in a file of its own with the .error.ts suffix', () => {
    const misplaced = files.flatMap(({ file, text }) => {
      const errors = [...text.matchAll(/^(?:export )?class (\w+) extends \w*Error\b/gm)].map((m) => m[1]);
      if (errors.length === 0) return [];
      const classes = text.match(/^(?:export )?(?:abstract )?class \w+/gm) ?? [];
      return file.endsWith('.error.ts') && classes.length === 1 ? [] : [`${file}: ${errors.join(', ')}`];
    });
    expect(misplaced).toEqual([]);
  });

  it('serves every controller route under /v1, except the probes, /metrics and the OpenAPI document', () => {
    const outside = files.flatMap(({ file, text }) =>
      [...text.matchAll(/@Controller\(\s*'([^']*)'/g)].filter((m) => !/^v1(\/|$)/.test(m[1])).map((m) => `${file}: '${m[1]}'`),
    );
    expect(outside).toEqual([]);
  });
});
