/** Injection token of the service's migrated TypeORM DataSource (bound to its own schema). */
export const SERVICE_DATA_SOURCE = Symbol('SERVICE_DATA_SOURCE');
