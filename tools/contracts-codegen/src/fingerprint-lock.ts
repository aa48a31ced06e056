import { Type } from 'avsc';
import { rabinFingerprintBytes } from '../../../libs/contracts/src/avro/rabin-fingerprint';
import type { CatalogTopic } from './schema-catalog';

export const FINGERPRINT_LOCK_FILE = 'libs/contracts/schemas/fingerprints.lock.json';

/** topic -> "v<N>" -> hex of the CRC-64-AVRO fingerprint (as written on the wire, little-endian). */
export type FingerprintLock = Record<string, Record<string, string>>;

/**
 * Adds new versions to the lock and refuses a published version whose canonical form changed: data
 * written with the old form would no longer resolve. Doc-only edits keep the canonical form, so they pass.
 */
export function updateFingerprintLock(catalog: CatalogTopic[], previous: FingerprintLock): FingerprintLock {
  const next: FingerprintLock = {};
  for (const topic of catalog) {
    next[topic.topic] = {};
    for (const v of topic.versions) {
      const fingerprint = rabinFingerprintBytes(JSON.stringify(Type.forSchema(v.schema as never).schema())).toString('hex');
      const locked = previous[topic.topic]?.[`v${v.version}`];
      if (locked !== undefined && locked !== fingerprint) {
        throw new Error(
          `${v.file} was edited in place (fingerprint ${locked} -> ${fingerprint}). ` +
            'Published versions are immutable: revert it and add a new version instead.',
        );
      }
      next[topic.topic][`v${v.version}`] = fingerprint;
    }
  }
  return next;
}

export function lockFileContent(lock: FingerprintLock): string {
  return JSON.stringify(lock, null, 2) + '\n';
}
