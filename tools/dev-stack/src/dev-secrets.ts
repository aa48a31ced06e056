import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface DevSecrets {
  writeKey: string;
  adminToken: string;
  /** TESSERA_READ_TOKEN: GET routes only. */
  readToken: string;
}

export const DEV_SECRETS_FILE = 'dev-secrets.json';

/**
 * The dev write key, admin token and read token. Generated values are created on the first start and kept in the
 * data dir (mode 0600), so every later start prints the same ones and SDKs configured once keep working; values
 * fixed by the environment win without overwriting the stored ones. A stored file without a read token gains one.
 */
export function loadOrCreateDevSecrets(dataDir: string, fixed: Partial<DevSecrets>): DevSecrets {
  const file = path.join(dataDir, DEV_SECRETS_FILE);
  const existing = readStored(file);
  const stored: DevSecrets = {
    writeKey: existing?.writeKey ?? `dev_${randomBytes(16).toString('hex')}`,
    adminToken: existing?.adminToken ?? randomBytes(24).toString('hex'),
    readToken: existing?.readToken ?? `read_${randomBytes(24).toString('hex')}`,
  };
  if (existing?.readToken === undefined) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  }
  return {
    writeKey: fixed.writeKey ?? stored.writeKey,
    adminToken: fixed.adminToken ?? stored.adminToken,
    readToken: fixed.readToken ?? stored.readToken,
  };
}

function readStored(file: string): (Omit<DevSecrets, 'readToken'> & { readToken?: string }) | undefined {
  if (!fs.existsSync(file)) return undefined;
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<DevSecrets>;
  if (
    typeof parsed.writeKey !== 'string' ||
    typeof parsed.adminToken !== 'string' ||
    !['string', 'undefined'].includes(typeof parsed.readToken)
  ) {
    throw new Error(`${file} is malformed; delete it to generate new dev secrets`);
  }
  return { writeKey: parsed.writeKey, adminToken: parsed.adminToken, readToken: parsed.readToken };
}
