/** Nest token of the connectors a connection may use (a ConnectorCatalog); app.module.ts chooses them. */
export const CONNECTOR_CATALOG = Symbol('CONNECTOR_CATALOG');
