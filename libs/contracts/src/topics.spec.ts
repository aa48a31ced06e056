import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONTRACT_TOPIC_NAMES } from './generated';
import { TOPIC_SPECS, Topics, topicSpec } from './topics';

const REPO_ROOT = path.join(__dirname, '..', '..', '..');

describe('topics', () => {
  it('has one spec per contract topic and one contract per spec', () => {
    expect(TOPIC_SPECS.map((t) => t.name).sort()).toEqual([...CONTRACT_TOPIC_NAMES].sort());
    expect(Object.values(Topics).sort()).toEqual([...CONTRACT_TOPIC_NAMES].sort());
  });

  it.each(TOPIC_SPECS.map((t) => [t.name, t]))('%s is well formed', (_name, spec) => {
    expect(fs.statSync(path.join(REPO_ROOT, spec.schemaFolder)).isDirectory()).toBe(true);
    expect(Number.isInteger(spec.partitions) && spec.partitions >= 1 && spec.partitions <= 12).toBe(true);
    expect(spec.cleanupPolicy === 'compact' ? spec.retentionMs === null : (spec.retentionMs ?? 0) > 0).toBe(true);
    expect(spec.key.length).toBeGreaterThan(0);
  });

  it('keys everything from the identity resolver onward by profile id', () => {
    for (const name of [
      Topics.EventsResolved,
      Topics.ProfilesChanged,
      Topics.SegmentsMembership,
      Topics.ProfilesComputed,
      Topics.ActivationDeliveries,
    ]) {
      expect(topicSpec(name).key).toBe('profileId');
    }
  });
});
