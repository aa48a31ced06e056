/**
 * The bound values of one statement assembled from parts (data-modifying WITH clauses): each part adds its values
 * and writes the placeholders it gets back, so parts built apart number their parameters without colliding.
 */
export class StatementParams {
  readonly values: unknown[] = [];

  /** Binds `value` and returns its placeholder (`$n`). */
  bind(value: unknown): string {
    return `$${this.values.push(value)}`;
  }

  /** Binds a statement built alone (its own $1..$n, `$` used for nothing else) and returns its text renumbered. */
  adopt(text: string, values: readonly unknown[]): string {
    const placeholders = values.map((value) => this.bind(value));
    return text.replace(/\$(\d+)/g, (_, n: string) => placeholders[Number(n) - 1]);
  }
}
