/**
 * Regenerates libs/contracts/src/generated/*.ts and the fingerprint lock from libs/contracts/schemas.
 *   node tools/run-ts.js tools/contracts-codegen/src/main.ts           write what changed
 *   node tools/run-ts.js tools/contracts-codegen/src/main.ts --check   exit 1 if anything is stale
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateContractSources, GENERATED_DIR } from './contract-sources';
import { FINGERPRINT_LOCK_FILE, lockFileContent, updateFingerprintLock, type FingerprintLock } from './fingerprint-lock';
import { readSchemaCatalog } from './schema-catalog';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const checkOnly = process.argv.includes('--check');

function main(): number {
  const catalog = readSchemaCatalog(repoRoot);
  const lockPath = path.join(repoRoot, FINGERPRINT_LOCK_FILE);
  const previousLock = fs.existsSync(lockPath) ? (JSON.parse(fs.readFileSync(lockPath, 'utf8')) as FingerprintLock) : {};
  const files = generateContractSources(catalog);
  files.set(FINGERPRINT_LOCK_FILE, lockFileContent(updateFingerprintLock(catalog, previousLock)));

  const stale: string[] = [];
  for (const [relative, content] of files) {
    const target = path.join(repoRoot, relative);
    if (fs.existsSync(target) && fs.readFileSync(target, 'utf8') === content) continue;
    stale.push(relative);
    if (!checkOnly) {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, content);
    }
  }
  const generatedDir = path.join(repoRoot, GENERATED_DIR);
  for (const name of fs.readdirSync(generatedDir)) {
    const relative = `${GENERATED_DIR}/${name}`;
    if (files.has(relative)) continue;
    stale.push(relative);
    if (!checkOnly) fs.rmSync(path.join(generatedDir, name));
  }
  for (const relative of stale) console.log(`${checkOnly ? 'stale' : 'wrote'} ${relative}`);
  if (stale.length === 0) console.log('contracts: generated files are up to date');
  return checkOnly && stale.length > 0 ? 1 : 0;
}

process.exitCode = main();
