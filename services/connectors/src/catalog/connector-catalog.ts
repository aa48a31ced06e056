import type { Connector } from '@tessera/connector-sdk';

/** The connectors a connection may name, by name. Built from a list (builtinConnectors(), or a test's). */
export class ConnectorCatalog {
  private readonly byName: ReadonlyMap<string, Connector<never>>;

  constructor(connectors: ReadonlyArray<Connector<never>>) {
    this.byName = new Map(connectors.map((c) => [c.name, c]));
  }

  names(): string[] {
    return [...this.byName.keys()].sort();
  }

  /** The connector, typed loosely: configs are stored as JSON and validated by the connector's own schema. */
  find(name: string): Connector<Record<string, unknown>> | undefined {
    return this.byName.get(name) as Connector<Record<string, unknown>> | undefined;
  }
}
