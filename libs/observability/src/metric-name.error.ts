/** A metric or service name that breaks the naming rules (tessera_<service>_<what>_<unit>); thrown at registration. */
export class MetricNameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MetricNameError';
  }
}
