/**
 * The configuration of one identifier type, stored in `identity_rules` and editable through the admin API.
 * Type `*` is the fallback for types without their own rule (external:<type>, custom record tags).
 */
export interface IdentityRule {
  readonly identifierType: string;
  /** 1 is the most important. When a link would break a rule, the lowest-priority identifier goes first. */
  readonly priority: number;
  /** Most identifiers of this type one profile may hold; null is unlimited. */
  readonly maxPerProfile: number | null;
  /** Exact values (compared case-insensitively) that never identify anybody. */
  readonly blockedValues: readonly string[];
  /** Case-insensitive regular expressions; a matching value never identifies anybody. */
  readonly blockedPatterns: readonly string[];
  /** A value seen with more than this many distinct user_ids becomes suspect and stops linking; null never. */
  readonly maxDistinctUserIds: number | null;
}

export const FALLBACK_RULE_TYPE = '*';

/** The design brief's blocked values, for every type. `^[0-]*$` also catches the all-zero IDFA/GAID. */
export const GLOBAL_BLOCKED_VALUES: readonly string[] = ['anonymous', 'null', 'undefined', '0', '-1', 'guest', '[object Object]', 'NaN'];
export const GLOBAL_BLOCKED_PATTERNS: readonly string[] = ['^[0-]*$'];

/** Shared devices and shared mailboxes: more than 3 distinct user_ids and the value stops linking. */
const SHARED_VALUE_THRESHOLD = 3;

function rule(identifierType: string, priority: number, maxPerProfile: number | null, extra: Partial<IdentityRule> = {}): IdentityRule {
  return { identifierType, priority, maxPerProfile, blockedValues: [], blockedPatterns: [], maxDistinctUserIds: null, ...extra };
}

/** The rules a fresh schema starts with (the migration seeds them). */
export const DEFAULT_IDENTITY_RULES: readonly IdentityRule[] = [
  rule('user_id', 1, 1),
  // A renamed user_id (alias of a known user): it still says who a late event of the old id is, like a user_id.
  rule('previous_user_id', 1, null),
  rule('email', 2, 5, {
    blockedPatterns: ['^[^@]*$', '^(noreply|no-reply|donotreply|do-not-reply|test|null|none|unknown)@'],
    maxDistinctUserIds: SHARED_VALUE_THRESHOLD,
  }),
  rule('phone', 3, 5, { blockedPatterns: ['^\\+?(\\d)\\1+$', '^\\+?1234567890?$'] }),
  rule('crm_id', 4, null),
  rule('email_sha256', 5, null, {
    blockedPatterns: ['^(?![0-9a-f]{64}$)', '^e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855$'],
  }),
  rule('device_id', 7, null, { maxDistinctUserIds: SHARED_VALUE_THRESHOLD }),
  rule('advertising_id', 8, null, { maxDistinctUserIds: SHARED_VALUE_THRESHOLD }),
  rule('record_id', 9, null),
  rule('anonymous_id', 10, null, { maxDistinctUserIds: SHARED_VALUE_THRESHOLD }),
  rule(FALLBACK_RULE_TYPE, 6, null),
];
