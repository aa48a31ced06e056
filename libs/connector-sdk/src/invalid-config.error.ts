import type { ConfigProblem } from './connector';

/** A config that does not match the connector's schema, refused before the source is touched. */
export class InvalidConfigError extends Error {
  constructor(
    readonly connector: string,
    readonly problems: ConfigProblem[],
  ) {
    super(`invalid ${connector} config: ${describeProblems(problems)}`);
    this.name = 'InvalidConfigError';
  }
}

/** `path message; path message`: the problems as one line. */
export function describeProblems(problems: ConfigProblem[]): string {
  return problems.map((p) => `${p.path} ${p.message}`).join('; ');
}
