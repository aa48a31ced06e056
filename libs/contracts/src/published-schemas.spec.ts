import * as fs from 'node:fs';
import * as path from 'node:path';
import { contractRegistry } from './codec';
import { CONTRACT_SCHEMAS, CONTRACT_TOPIC_NAMES } from './generated';

const SCHEMAS_DIR = path.join(__dirname, '..', 'schemas');
const lock = JSON.parse(fs.readFileSync(path.join(SCHEMAS_DIR, 'fingerprints.lock.json'), 'utf8')) as Record<
  string,
  Record<string, string>
>;

describe('published schemas', () => {
  it('embed exactly the .avsc files on disk (regenerate if this fails)', () => {
    const onDisk = Object.fromEntries(
      fs
        .readdirSync(SCHEMAS_DIR)
        .filter((name) => fs.statSync(path.join(SCHEMAS_DIR, name)).isDirectory())
        .sort()
        .map((topic) => [
          topic,
          fs
            .readdirSync(path.join(SCHEMAS_DIR, topic))
            .sort()
            .map((file) => ({
              version: Number(/^v(\d+)\.avsc$/.exec(file)?.[1]),
              schema: JSON.parse(fs.readFileSync(path.join(SCHEMAS_DIR, topic, file), 'utf8')),
            })),
        ]),
    );
    expect(CONTRACT_SCHEMAS).toEqual(onDisk);
  });

  it('are never edited in place: every version keeps its locked fingerprint', () => {
    const actual = Object.fromEntries(
      CONTRACT_TOPIC_NAMES.map((topic) => [
        topic,
        Object.fromEntries(contractRegistry.versions(topic).map((v) => [`v${v.version}`, v.fingerprintHex])),
      ]),
    );
    // A mismatch means a published .avsc changed its canonical form: revert it and add v<N+1> instead.
    // A missing entry means the codegen was not run after adding a version.
    expect(actual).toEqual(lock);
  });

  it('have distinct fingerprints, so a fingerprint names one topic version', () => {
    const all = CONTRACT_TOPIC_NAMES.flatMap((topic) => contractRegistry.versions(topic).map((v) => v.fingerprintHex));
    expect(new Set(all).size).toBe(all.length);
  });

  it('fingerprint the Parsing Canonical Form: full names, no docs, defaults or logical types', () => {
    for (const topic of CONTRACT_TOPIC_NAMES) {
      for (const v of contractRegistry.versions(topic)) {
        expect(v.canonicalForm).not.toMatch(/"(doc|default|logicalType|namespace|aliases)"/);
        expect(v.canonicalForm.startsWith('{"name":"io.tessera.cdp.')).toBe(true);
      }
    }
  });

  it('never carry a write key', () => {
    expect(JSON.stringify(CONTRACT_SCHEMAS).toLowerCase()).not.toMatch(/"name":\s*"writekey"/);
  });
});
