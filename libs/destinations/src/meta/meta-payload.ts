import type { DeliveryItem, ItemRejection } from '../destination';
import { matchKeys, normalizeEmailForMeta, normalizePhoneForMeta, sha256Hex } from '../hashing/identifier-normalization';

export const META_SCHEMA = ['EMAIL', 'PHONE'] as const;

/** One person as Meta takes them: [sha256(email) | "", sha256(phone digits) | ""], in META_SCHEMA order. */
export interface MetaRow {
  item: DeliveryItem;
  row: [string, string];
}

/** The body of POST (add) and DELETE (remove) /{audience_id}/users. */
export interface MetaUsersBody {
  payload: { schema: readonly string[]; data: [string, string][] };
}

/**
 * Hashes each item's first usable email and phone. An item with neither cannot be matched by Meta: it is rejected
 * here, for good, rather than sent as an empty row.
 */
export function metaRows(items: DeliveryItem[], defaultCountry?: string): { rows: MetaRow[]; rejected: ItemRejection[] } {
  const rows: MetaRow[] = [];
  const rejected: ItemRejection[] = [];
  const normalize = { email: normalizeEmailForMeta, phone: (raw: string) => normalizePhoneForMeta(raw, defaultCountry) };
  for (const item of items) {
    const { email, phone } = matchKeys(item.identifiers, normalize);
    if (email === undefined && phone === undefined) {
      rejected.push({ deliveryId: item.deliveryId, error: 'no email or phone number Meta can match on' });
      continue;
    }
    rows.push({ item, row: [email === undefined ? '' : sha256Hex(email), phone === undefined ? '' : sha256Hex(phone)] });
  }
  return { rows, rejected };
}

export function metaUsersBody(rows: MetaRow[]): MetaUsersBody {
  return { payload: { schema: META_SCHEMA, data: rows.map((r) => r.row) } };
}

/**
 * The request body as Meta's reference shows it: form-encoded, `payload` a JSON string. Form parameters work for
 * POST and DELETE alike on the Graph API. `appsecret_proof` (HMAC-SHA256 of the token with the app secret) is added
 * when the app requires it.
 */
export function metaUsersForm(rows: MetaRow[], appsecretProof?: string): string {
  const form = new URLSearchParams({ payload: JSON.stringify(metaUsersBody(rows).payload) });
  if (appsecretProof) form.set('appsecret_proof', appsecretProof);
  return form.toString();
}

/** Reads a form body back (tests and receivers). */
export function parseMetaUsersForm(body: string): MetaUsersBody & { appsecret_proof?: string } {
  const form = new URLSearchParams(body);
  const proof = form.get('appsecret_proof');
  return { payload: JSON.parse(form.get('payload') ?? '{}') as MetaUsersBody['payload'], ...(proof ? { appsecret_proof: proof } : {}) };
}

/** Meta's answer to a users call (Graph API "Custom Audience Users" reference). */
export interface MetaUsersResponse {
  audience_id?: string;
  session_id?: string;
  num_received?: number;
  num_invalid_entries?: number;
  /** Up to a few invalid entries, as entry -> reason. */
  invalid_entry_samples?: Record<string, string> | string[];
}

/**
 * Meta accepts the valid rows and counts the invalid ones; its samples name some of them. Each sampled entry is
 * matched back to the rows carrying that hash, which become terminal rejections; every other row was taken.
 * When Meta counts more invalid entries than it samples, the rest cannot be told apart: they are reported in a note.
 */
export function metaRejections(rows: MetaRow[], response: MetaUsersResponse): { rejected: ItemRejection[]; note?: string } {
  const invalid = response.num_invalid_entries ?? 0;
  if (invalid === 0) return { rejected: [] };
  const samples = response.invalid_entry_samples ?? {};
  const entries: [string, string][] = Array.isArray(samples) ? samples.map((s) => [s, 'invalid entry']) : Object.entries(samples);
  const rejected: ItemRejection[] = [];
  for (const [entry, reason] of entries) {
    for (const r of rows) {
      if (r.row.includes(entry) || r.row.join(',') === entry) {
        if (!rejected.some((x) => x.deliveryId === r.item.deliveryId))
          rejected.push({ deliveryId: r.item.deliveryId, error: `Meta rejected the entry: ${reason}` });
      }
    }
  }
  const unattributed = invalid - rejected.length;
  return unattributed > 0
    ? { rejected, note: `Meta counted ${invalid} invalid entries; ${unattributed} could not be matched to a record` }
    : { rejected };
}
