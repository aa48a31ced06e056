import { Type } from 'avsc';
import { contractRegistry } from '../codec';
import { CONTRACT_TOPIC_NAMES } from '../generated';
import { backwardCompatibilityProblems } from './backward-compatibility';

// Every consecutive pair of published versions, plus every older version against the newest (what decode does).
const PAIRS = CONTRACT_TOPIC_NAMES.flatMap((topic) => {
  const versions = contractRegistry.versions(topic);
  return versions.slice(0, -1).flatMap((writer, i) => {
    const pairs: [string, number, number][] = [[topic, versions[i + 1].version, writer.version]];
    if (i + 1 < versions.length - 1) pairs.push([topic, versions[versions.length - 1].version, writer.version]);
    return pairs;
  });
});

describe('published schema versions', () => {
  it('include at least one evolved topic, so this suite exercises resolution', () => {
    expect(PAIRS.length).toBeGreaterThan(0);
  });

  it.each(PAIRS)('%s v%i reads data written with v%i', (topic, readerVersion, writerVersion) => {
    const versions = contractRegistry.versions(topic);
    const reader = versions.find((v) => v.version === readerVersion)!.type;
    const writer = versions.find((v) => v.version === writerVersion)!.type;
    expect(backwardCompatibilityProblems(reader, writer)).toEqual([]);
  });
});

describe('backwardCompatibilityProblems', () => {
  const record = (fields: object[]) => Type.forSchema({ type: 'record', name: 'io.tessera.cdp.T', fields } as never);
  const v1 = record([
    { name: 'id', type: 'string' },
    { name: 'kind', type: { type: 'enum', name: 'K', symbols: ['a', 'b'] } },
  ]);

  it('accepts an added field with a default', () => {
    const v2 = record([
      { name: 'id', type: 'string' },
      { name: 'kind', type: { type: 'enum', name: 'K', symbols: ['a', 'b'] } },
      { name: 'note', type: ['null', 'string'], default: null },
    ]);
    expect(backwardCompatibilityProblems(v2, v1)).toEqual([]);
  });

  it('accepts a removed enum symbol when the enum has a default', () => {
    const v2 = record([
      { name: 'id', type: 'string' },
      { name: 'kind', type: { type: 'enum', name: 'K', symbols: ['a', 'other'], default: 'other' } },
    ]);
    expect(backwardCompatibilityProblems(v2, v1)).toEqual([]);
  });

  it.each([
    [
      'an added field without a default',
      [
        { name: 'id', type: 'string' },
        { name: 'kind', type: { type: 'enum', name: 'K', symbols: ['a', 'b'] } },
        { name: 'n', type: 'int' },
      ],
    ],
    [
      'a changed field type',
      [
        { name: 'id', type: 'int' },
        { name: 'kind', type: { type: 'enum', name: 'K', symbols: ['a', 'b'] } },
      ],
    ],
    [
      'a removed enum symbol without a default',
      [
        { name: 'id', type: 'string' },
        { name: 'kind', type: { type: 'enum', name: 'K', symbols: ['a'] } },
      ],
    ],
  ])('refuses %s', (_name, fields) => {
    expect(backwardCompatibilityProblems(record(fields), v1, 200)).not.toEqual([]);
  });
});
