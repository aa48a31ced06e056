import {
  DEFAULT_IDENTITY_RULES,
  FALLBACK_RULE_TYPE,
  GLOBAL_BLOCKED_PATTERNS,
  GLOBAL_BLOCKED_VALUES,
  type IdentityRule,
} from './identity-rule';
import type { Identifier } from './identifier';

/**
 * The identity rules in force for one batch: rule lookup by type (with the `*` fallback), blocked-value checks
 * (compiled once) and the priority order the resolver drops identifiers in.
 */
export class RuleBook {
  private readonly byType = new Map<string, IdentityRule>();
  private readonly blocked = new Map<string, { values: Set<string>; patterns: RegExp[] }>();
  private readonly globalValues = new Set(GLOBAL_BLOCKED_VALUES.map((value) => value.toLowerCase()));
  private readonly globalPatterns = GLOBAL_BLOCKED_PATTERNS.map((pattern) => new RegExp(pattern, 'i'));

  constructor(rules: readonly IdentityRule[] = DEFAULT_IDENTITY_RULES) {
    for (const rule of rules) this.byType.set(rule.identifierType, rule);
    if (!this.byType.has(FALLBACK_RULE_TYPE)) {
      this.byType.set(FALLBACK_RULE_TYPE, {
        identifierType: FALLBACK_RULE_TYPE,
        priority: 100,
        maxPerProfile: null,
        blockedValues: [],
        blockedPatterns: [],
        maxDistinctUserIds: null,
      });
    }
  }

  rules(): IdentityRule[] {
    return [...this.byType.values()];
  }

  ruleFor(type: string): IdentityRule {
    return this.byType.get(type) ?? this.byType.get(FALLBACK_RULE_TYPE)!;
  }

  isBlocked(identifier: Identifier): boolean {
    const value = identifier.value.trim();
    const lower = value.toLowerCase();
    if (this.globalValues.has(lower) || this.globalPatterns.some((pattern) => pattern.test(value))) return true;
    const own = this.compiled(identifier.type);
    return own.values.has(lower) || own.patterns.some((pattern) => pattern.test(value));
  }

  /**
   * Most important first: priority, then type, then value. A total order, so every decision that picks
   * "the lowest-priority identifier" is the same whatever order the item listed them in.
   */
  compare = (a: Identifier, b: Identifier): number => {
    const byPriority = this.ruleFor(a.type).priority - this.ruleFor(b.type).priority;
    if (byPriority !== 0) return byPriority;
    if (a.type !== b.type) return a.type < b.type ? -1 : 1;
    return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  };

  private compiled(type: string): { values: Set<string>; patterns: RegExp[] } {
    let entry = this.blocked.get(type);
    if (!entry) {
      const rule = this.ruleFor(type);
      entry = {
        values: new Set(rule.blockedValues.map((value) => value.toLowerCase())),
        patterns: rule.blockedPatterns.flatMap((pattern) => {
          try {
            return [new RegExp(pattern, 'i')];
          } catch {
            return []; // the admin API refuses invalid patterns; an old bad row must not stop the pipeline
          }
        }),
      };
      this.blocked.set(type, entry);
    }
    return entry;
  }
}
