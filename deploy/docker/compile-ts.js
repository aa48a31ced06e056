#!/usr/bin/env node
// Build stage of the Dockerfile: compiles libs/ and services/ to CommonJS under dist/ with swc (the same
// transform jest and tools/run-ts.js use: decorators with metadata), rewriting the @tessera/* path aliases
// to relative requires, so production runs plain `node dist/services/<name>/src/main.js` with no compiler
// loaded at start-up.
const fs = require('node:fs');
const path = require('node:path');
const { transformFileSync } = require('@swc/core');

const root = path.resolve(__dirname, '..', '..');
const outDir = path.resolve(root, process.argv[2] || 'dist');
const { compilerOptions } = require(path.join(root, 'tsconfig.base.json'));
// tools/dev-stack only for its create-topics entry point (compose one-shot service, k8s Job).
const SOURCE_DIRS = ['libs', 'services', 'tools/dev-stack'];
// Test code only: specs, their helpers (*.spec-helper.ts) and the scenario cases they register (*.scenarios.ts).
const SKIP = /(\.spec\.ts|\.spec-helper\.ts|\.scenarios\.ts|\.d\.ts)$|[\\/](test-support|test-fixtures|node_modules)[\\/]/;

function* sourceFiles(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(full);
    else if ((entry.name.endsWith('.ts') || entry.name.endsWith('.js')) && !SKIP.test(full)) yield full;
  }
}

let count = 0;
for (const dir of SOURCE_DIRS) {
  for (const file of sourceFiles(path.join(root, dir))) {
    const target = path.join(outDir, path.relative(root, file)).replace(/\.ts$/, '.js');
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (file.endsWith('.js')) {
      fs.copyFileSync(file, target);
      continue;
    }
    const { code, map } = transformFileSync(file, {
      sourceMaps: true,
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
        baseUrl: root,
        paths: compilerOptions.paths,
      },
      module: { type: 'commonjs' },
    });
    fs.writeFileSync(target, `${code}\n//# sourceMappingURL=${path.basename(target)}.map\n`);
    if (map) fs.writeFileSync(`${target}.map`, map);
    count += 1;
  }
}
console.log(`compiled ${count} files to ${path.relative(root, outDir) || '.'}`);
