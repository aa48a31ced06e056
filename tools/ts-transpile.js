// swc's transform of the repository's TypeScript as `tools/run-ts.js` runs it: decorators with metadata and the
// tsconfig path aliases rewritten. The options are given here rather than read from the tsconfig, so a process
// start loads neither `typescript` nor a walk of the repository's files.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const { compilerOptions } = require(path.join(root, 'tsconfig.base.json'));
const SWC_OPTIONS = {
  jsc: {
    target: 'es2022',
    parser: { syntax: 'typescript', decorators: true, dynamicImport: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: true },
    keepClassNames: true,
    baseUrl: root,
    paths: compilerOptions.paths,
  },
  module: { type: 'commonjs' },
  sourceMaps: true,
  inlineSourcesContent: true,
  swcrc: false,
};
// Where each file's output is kept. RUN_TS_CACHE_DIR moves it: a test keeps its scratch files out of the checkout's.
const DEFAULT_CACHE_DIR = process.env.RUN_TS_CACHE_DIR || path.join(root, 'node_modules', '.cache', 'run-ts');
const CACHE_SALT = `${require('@swc/core/package.json').version}\0${JSON.stringify(SWC_OPTIONS)}`;

const sha1 = (...parts) => crypto.createHash('sha1').update(parts.join('\0')).digest('hex');

function readEntry(entryPath, key) {
  try {
    const entry = JSON.parse(fs.readFileSync(entryPath, 'utf8'));
    return entry.key === key ? entry : undefined;
  } catch {
    return undefined;
  }
}

/** Best effort: a write that fails (read-only checkout, full disk) only costs a later start the transpile. */
function writeEntry(cacheDir, entryPath, entry) {
  // Children starting together may write the same entry: each writes its own file and renames it into place.
  const temporary = `${entryPath}.${process.pid}.${process.hrtime.bigint()}`;
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.writeFileSync(temporary, JSON.stringify(entry));
    fs.renameSync(temporary, entryPath);
  } catch {
    fs.rm(temporary, { force: true }, () => undefined);
  }
}

/**
 * `transpile(source, filename)` → `{ code, map }`, keeping each file's output in `cacheDir` (one entry per file)
 * under a key over its source, its path, the options and the swc version: the processes of a test run or of
 * `npm start` transpile a file once between edits, and an edited file is always compiled again.
 */
function createTranspiler(cacheDir = DEFAULT_CACHE_DIR) {
  return function transpile(source, filename) {
    const key = sha1(CACHE_SALT, filename, source);
    const entryPath = path.join(cacheDir, `${sha1(filename)}.json`);
    const cached = readEntry(entryPath, key);
    if (cached) return { code: cached.code, map: cached.map };
    // Loaded on a miss only: a start whose every file is cached does not load the compiler.
    const { code, map } = require('@swc/core').transformSync(source, { ...SWC_OPTIONS, filename });
    writeEntry(cacheDir, entryPath, { key, code, map });
    return { code, map };
  };
}

module.exports = { createTranspiler };
