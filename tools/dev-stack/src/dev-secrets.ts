import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface DevSecrets {
  writeKey: string;
  adminToken: string;
}

export const DEV_SECRETS_FILE = 'dev-secrets.json';

/**
 * The dev write key and admin token. Generated values are created on the first start and kept in the data
 * dir (mode 0600), so every later start prints the same ones and SDKs configured once keep working; values
 * fixed by the environment win without overwriting the stored ones.
 */
export function loadOrCreateDevSecrets(dataDir: string, fixed: Partial<DevSecrets>): DevSecrets {
  const file = path.join(dataDir, DEV_SECRETS_FILE);
  let stored = readStored(file);
  if (!stored) {
    stored = { writeKey: `dev_${randomBytes(16).toString('hex')}`, adminToken: randomBytes(24).toString('hex') };
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  }
  return { writeKey: fixed.writeKey ?? stored.writeKey, adminToken: fixed.adminToken ?? stored.adminToken };
}

function readStored(file: string): DevSecrets | undefined {
  if (!fs.existsSync(file)) return undefined;
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<DevSecrets>;
  if (typeof parsed.writeKey !== 'string' || typeof parsed.adminToken !== 'string') {
    throw new Error(`${file} is malformed; delete it to generate new dev secrets`);
  }
  return { writeKey: parsed.writeKey, adminToken: parsed.adminToken };
}
