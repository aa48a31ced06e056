/** One problem with one environment variable. */
export interface ConfigIssue {
  readonly variable: string;
  /** Full sentence naming the variable, e.g. `PORT must be an integer 1-65535, got "abc"`. */
  readonly message: string;
}

/**
 * Thrown when the environment does not validate. The message lists every bad variable at once, so an operator
 * fixes them in one go instead of one restart per variable.
 */
export class ConfigValidationError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(`Invalid environment: ${issues.map((issue) => issue.message).join('; ')}`);
    this.name = 'ConfigValidationError';
  }
}
