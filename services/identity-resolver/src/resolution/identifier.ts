/** One identifier of a person: a type (user_id, email, external:<type>...) and its normalized value. */
export interface Identifier {
  readonly type: string;
  readonly value: string;
}

/** Why an identifier an item carried did not link (the contract's IdentifierDropReason symbols). */
export type DropReason = 'blocked_value' | 'limit_exceeded' | 'suspect_value' | 'conflicting_user_id' | 'other';

export interface DroppedIdentifier extends Identifier {
  readonly reason: DropReason;
}

/** Well-known identifier types; anything else (external:<type>, custom record tags) uses the `*` rule. */
export const IdentifierTypes = {
  UserId: 'user_id',
  AnonymousId: 'anonymous_id',
  Email: 'email',
  EmailSha256: 'email_sha256',
  Phone: 'phone',
  DeviceId: 'device_id',
  AdvertisingId: 'advertising_id',
  CrmId: 'crm_id',
  RecordId: 'record_id',
} as const;

/** The map key of an identifier. The type never contains a NUL, so the key is unambiguous. */
export function identifierKey(identifier: Identifier): string {
  return `${identifier.type}\u0000${identifier.value}`;
}

export function identifierFromKey(key: string): Identifier {
  const at = key.indexOf('\u0000');
  return { type: key.slice(0, at), value: key.slice(at + 1) };
}

export function formatIdentifier(identifier: Identifier): string {
  return `${identifier.type}:${identifier.value}`;
}

/** Parses `type:value` (the lookup API's form); the type is everything before the first colon except for external:<type>:value. */
export function parseIdentifier(text: string): Identifier | undefined {
  const external = /^external:([^:]+):(.+)$/.exec(text);
  if (external) return { type: `external:${external[1]}`, value: external[2] };
  const at = text.indexOf(':');
  if (at <= 0 || at === text.length - 1) return undefined;
  return { type: text.slice(0, at), value: text.slice(at + 1) };
}
