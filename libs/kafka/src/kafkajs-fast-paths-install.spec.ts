import { execFileSync } from 'node:child_process';
import path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '../../..');

/** The kafkajs modules the install swaps, by the name kafkajs requires them. */
const SWAPPED = [
  'kafkajs/src/producer/sendMessages',
  'kafkajs/src/protocol/requests/produce/v3/request',
  'kafkajs/src/protocol/recordBatch/v0/decoder',
];

/**
 * A fresh Node process (jest's setup file installs the swaps in every test file, as runService does at a
 * service's start-up): optionally makes the start-up call, loads libs/kafka, builds a producer and a produce
 * request, and lists which kafkajs modules are now ours.
 */
function swappedInFreshProcess(startUp: string, env: NodeJS.ProcessEnv = {}): { swapped: string[]; state?: string } {
  const script = `
    let state;
    ${startUp}
    const { createKafkaClient } = require('./libs/kafka/src/index.ts');
    createKafkaClient({ clientId: 'install-check', brokers: ['127.0.0.1:1'], logLevel: 0 }).producer({ idempotent: true });
    require('kafkajs/src/protocol/requests/produce/v4/request');
    require('kafkajs/src/protocol/requests/fetch/v4/decodeMessages');
    const fast = Symbol.for('tessera.kafkajs-fast-path');
    const swapped = ${JSON.stringify(SWAPPED)}.filter((id) => require(id)[fast] === true);
    process.stdout.write(JSON.stringify({ swapped, state }));
  `;
  const out = execFileSync(process.execPath, ['-r', path.join(REPO_ROOT, 'tools', 'ts-require-hook.js'), '-e', script], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH,
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      ...env,
    },
    encoding: 'utf8',
  });
  return JSON.parse(out) as { swapped: string[]; state?: string };
}

const START_UP = `state = require('./libs/kafka/src/kafkajs-fast-paths.ts').installKafkajsFastPathsUnlessDisabled(process.env);`;

describe('installing the kafkajs fast paths', () => {
  it('is not a side effect of loading libs/kafka: without the call kafkajs is untouched', () => {
    expect(swappedInFreshProcess('')).toEqual({ swapped: [] });
  });

  it('swaps every module when called at start-up, before kafkajs loads', () => {
    expect(swappedInFreshProcess(START_UP)).toEqual({ swapped: SWAPPED, state: 'installed' });
  });

  it('leaves kafkajs untouched with TESSERA_KAFKAJS_FAST_PATHS=0', () => {
    expect(swappedInFreshProcess(START_UP, { TESSERA_KAFKAJS_FAST_PATHS: '0' })).toEqual({ swapped: [], state: 'disabled' });
  });

  it('says so when kafkajs loaded first (the lazily loaded swaps still apply)', () => {
    const late = `require('kafkajs'); ${START_UP}`;
    const { swapped, state } = swappedInFreshProcess(late);
    expect(state).toBe('partial');
    expect(swapped).toEqual(
      expect.arrayContaining(['kafkajs/src/protocol/requests/produce/v3/request', 'kafkajs/src/protocol/recordBatch/v0/decoder']),
    );
  });
});
