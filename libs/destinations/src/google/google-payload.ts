import type { DeliveryItem, ItemRejection } from '../destination';
import { matchKeys, normalizeEmailForGoogle, normalizePhoneForGoogle, sha256Hex } from '../hashing/identifier-normalization';

/** A Google Ads UserIdentifier: exactly one of its fields is set; a person with email and phone has two. */
export type UserIdentifier = { hashedEmail: string } | { hashedPhoneNumber: string };

/** OfflineUserDataJobOperation: `create` adds the person to the list, `remove` takes them off. */
export type OfflineUserDataJobOperation =
  { create: { userIdentifiers: UserIdentifier[] } } | { remove: { userIdentifiers: UserIdentifier[] } };

export interface GoogleOperation {
  item: DeliveryItem;
  operation: OfflineUserDataJobOperation;
}

/** Hashes each item's first usable email (Google's rules) and phone (E.164 with +); an item with neither is rejected. */
export function googleOperations(
  items: DeliveryItem[],
  defaultCountry?: string,
): { operations: GoogleOperation[]; rejected: ItemRejection[] } {
  const operations: GoogleOperation[] = [];
  const rejected: ItemRejection[] = [];
  const normalize = { email: normalizeEmailForGoogle, phone: (raw: string) => normalizePhoneForGoogle(raw, defaultCountry) };
  for (const item of items) {
    const { email, phone } = matchKeys(item.identifiers, normalize);
    const userIdentifiers: UserIdentifier[] = [];
    if (email !== undefined) userIdentifiers.push({ hashedEmail: sha256Hex(email) });
    if (phone !== undefined) userIdentifiers.push({ hashedPhoneNumber: sha256Hex(phone) });
    if (userIdentifiers.length === 0) {
      rejected.push({ deliveryId: item.deliveryId, error: 'no email or phone number Google can match on' });
      continue;
    }
    operations.push({ item, operation: item.action === 'remove' ? { remove: { userIdentifiers } } : { create: { userIdentifiers } } });
  }
  return { operations, rejected };
}

interface GoogleAdsError {
  message?: string;
  errorCode?: Record<string, string>;
  location?: { fieldPathElements?: { fieldName?: string; index?: number }[] };
}

/** AddOfflineUserDataJobOperationsResponse.partialFailureError: a google.rpc.Status whose details hold GoogleAdsFailure. */
export interface PartialFailureError {
  code?: number;
  message?: string;
  details?: { '@type'?: string; errors?: GoogleAdsError[] }[];
}

/**
 * With enablePartialFailure, Google applies the valid operations and names each failed one by its index in
 * `operations`. Those records are terminal; every other operation was applied. Errors without an index (none are
 * expected) are reported in a note rather than failing records that may have been applied.
 */
export function googleRejections(
  operations: GoogleOperation[],
  failure: PartialFailureError | undefined,
): { rejected: ItemRejection[]; note?: string } {
  if (!failure) return { rejected: [] };
  const byIndex = new Map<number, string[]>();
  const unplaced: string[] = [];
  for (const detail of failure.details ?? []) {
    for (const error of detail.errors ?? []) {
      const index = error.location?.fieldPathElements?.find((e) => e.fieldName === 'operations')?.index;
      const text = `${Object.values(error.errorCode ?? {}).join(', ') || 'ERROR'}: ${error.message ?? ''}`.trim();
      if (index === undefined || index < 0 || index >= operations.length) unplaced.push(text);
      else byIndex.set(index, [...(byIndex.get(index) ?? []), text]);
    }
  }
  const rejected = [...byIndex]
    .sort(([a], [b]) => a - b)
    .map(([index, texts]) => ({ deliveryId: operations[index].item.deliveryId, error: `Google rejected the record: ${texts.join('; ')}` }));
  return unplaced.length > 0
    ? { rejected, note: `Google reported errors it did not tie to a record: ${unplaced.join('; ')}` }
    : { rejected };
}
