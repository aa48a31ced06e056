import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateContractSources, GENERATED_DIR } from './contract-sources';
import { FINGERPRINT_LOCK_FILE, lockFileContent, updateFingerprintLock, type FingerprintLock } from './fingerprint-lock';
import { readSchemaCatalog, type CatalogTopic } from './schema-catalog';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

describe('generated contract files', () => {
  const catalog = readSchemaCatalog(REPO_ROOT);
  const files = generateContractSources(catalog);

  it.each([...files.keys()].map((f) => [f]))('%s is up to date (run the contracts codegen if not)', (relative) => {
    expect(fs.readFileSync(path.join(REPO_ROOT, relative), 'utf8')).toBe(files.get(relative));
  });

  it('has no leftover generated file', () => {
    const onDisk = fs.readdirSync(path.join(REPO_ROOT, GENERATED_DIR)).map((f) => `${GENERATED_DIR}/${f}`);
    expect(onDisk.sort()).toEqual([...files.keys()].sort());
  });

  it('has an up-to-date fingerprint lock', () => {
    const lockText = fs.readFileSync(path.join(REPO_ROOT, FINGERPRINT_LOCK_FILE), 'utf8');
    expect(lockFileContent(updateFingerprintLock(catalog, JSON.parse(lockText) as FingerprintLock))).toBe(lockText);
  });
});

const topic = (name: string, ...schemas: object[]): CatalogTopic => ({
  topic: name,
  versions: schemas.map((schema, i) => ({ version: i + 1, file: `${name}/v${i + 1}.avsc`, schema: schema as never })),
});
const record = (name: string, fields: object[]) => ({ type: 'record', name, namespace: 'io.tessera.cdp', fields });

describe('generateContractSources', () => {
  it('types values and inputs: defaulted fields are optional only in inputs', () => {
    const source = generateContractSources([
      topic(
        'cdp.t',
        record('T', [
          { name: 'id', type: 'string', doc: 'The id.' },
          { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
          { name: 'note', type: ['null', 'string'], default: null },
          { name: 'tags', type: { type: 'map', values: 'bytes' }, default: {} },
          { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['a', 'b'] } },
          { name: 'child', type: ['null', record('Child', [{ name: 'n', type: 'int', default: 0 }])], default: null },
          { name: 'again', type: { type: 'array', items: 'Child' } },
        ]),
      ),
    ]).get(`${GENERATED_DIR}/cdp-t.ts`)!;
    expect(source).toContain("export type KindV1 = 'a' | 'b';");
    expect(source).toContain('  /** The id. */\n  id: string;');
    expect(source).toContain(
      'export interface TV1 {\n  /** The id. */\n  id: string;\n  /** (timestamp-millis: UTC epoch milliseconds) */\n  at: number;\n  note: string | null;\n  tags: Record<string, Buffer>;\n  kind: KindV1;\n  child: ChildV1 | null;\n  again: Array<ChildV1>;\n}',
    );
    expect(source).toContain(
      '  note?: string | null;\n  tags?: Record<string, Buffer>;\n  kind: KindV1;\n  child?: ChildV1Input | null;\n  again: Array<ChildV1Input>;',
    );
    expect(source).toContain('export type T = TV1;\nexport type TInput = TV1Input;\nexport type Kind = KindV1;');
  });

  it('refuses unions other than ["null", X]', () => {
    expect(() => generateContractSources([topic('cdp.u', record('U', [{ name: 'x', type: ['int', 'string'] }]))])).toThrow(/union/);
  });

  it('refuses the same type name in two topics', () => {
    expect(() => generateContractSources([topic('cdp.a', record('Same', [])), topic('cdp.b', record('Same', []))])).toThrow(/Same/);
  });

  it('names the newest version in the topic maps', () => {
    const index = generateContractSources([
      topic('cdp.v', record('V', []), record('V', [{ name: 'n', type: ['null', 'int'], default: null }])),
    ]).get(`${GENERATED_DIR}/index.ts`)!;
    expect(index).toContain("  'cdp.v': VV2;");
    expect(index).toContain("  'cdp.v': CDP_V_VERSIONS,");
  });
});

describe('updateFingerprintLock', () => {
  const v1 = topic('cdp.l', record('L', [{ name: 'a', type: 'string' }]));

  it('adds new versions and accepts doc-only edits', () => {
    const lock = updateFingerprintLock([v1], {});
    const documented = topic('cdp.l', { ...record('L', [{ name: 'a', type: 'string', doc: 'now documented' }]), doc: 'x' });
    expect(updateFingerprintLock([documented], lock)).toEqual(lock);
  });

  it('refuses a published version whose canonical form changed', () => {
    const lock = updateFingerprintLock([v1], {});
    const edited = topic(
      'cdp.l',
      record('L', [
        { name: 'a', type: 'string' },
        { name: 'b', type: 'int', default: 0 },
      ]),
    );
    expect(() => updateFingerprintLock([edited], lock)).toThrow(/edited in place/);
  });
});
