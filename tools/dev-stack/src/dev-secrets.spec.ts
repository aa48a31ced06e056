import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEV_SECRETS_FILE, loadOrCreateDevSecrets } from './dev-secrets';

describe('loadOrCreateDevSecrets', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dev-secrets-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('generates once, stores with owner-only permissions, and returns the same values later', () => {
    const first = loadOrCreateDevSecrets(dir, {});
    expect(first.writeKey).toMatch(/^dev_[0-9a-f]{32}$/);
    expect(first.adminToken).toMatch(/^[0-9a-f]{48}$/);
    expect(first.readToken).toMatch(/^read_[0-9a-f]{48}$/);
    expect(fs.statSync(path.join(dir, DEV_SECRETS_FILE)).mode & 0o777).toBe(0o600);
    expect(loadOrCreateDevSecrets(dir, {})).toEqual(first);
  });

  it('lets the environment fix either value without overwriting the stored ones', () => {
    const stored = loadOrCreateDevSecrets(dir, {});
    expect(loadOrCreateDevSecrets(dir, { writeKey: 'my-key', adminToken: 'my-token', readToken: 'my-read' })).toEqual({
      writeKey: 'my-key',
      adminToken: 'my-token',
      readToken: 'my-read',
    });
    expect(loadOrCreateDevSecrets(dir, { adminToken: 'only-token' })).toEqual({ ...stored, adminToken: 'only-token' });
    expect(loadOrCreateDevSecrets(dir, {})).toEqual(stored);
  });

  it('adds a read token to a secrets file from before it, keeping the other values', () => {
    fs.writeFileSync(path.join(dir, DEV_SECRETS_FILE), JSON.stringify({ writeKey: 'dev_old', adminToken: 'old-admin' }));
    const upgraded = loadOrCreateDevSecrets(dir, {});
    expect(upgraded).toEqual({ writeKey: 'dev_old', adminToken: 'old-admin', readToken: expect.stringMatching(/^read_[0-9a-f]{48}$/) });
    expect(JSON.parse(fs.readFileSync(path.join(dir, DEV_SECRETS_FILE), 'utf8'))).toEqual(upgraded);
    expect(loadOrCreateDevSecrets(dir, {})).toEqual(upgraded);
  });

  it('refuses a malformed secrets file with a hint', () => {
    fs.writeFileSync(path.join(dir, DEV_SECRETS_FILE), '{"writeKey": 1}');
    expect(() => loadOrCreateDevSecrets(dir, {})).toThrow(/malformed; delete it/);
  });
});
