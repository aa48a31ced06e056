/** Thrown when a plan's event schema does not compile; the admin API answers 400 with it. */
export class PlanSchemaError extends Error {
  constructor(
    readonly eventName: string,
    message: string,
  ) {
    super(`schema of event "${eventName}" does not compile: ${message}`);
    this.name = 'PlanSchemaError';
  }
}
