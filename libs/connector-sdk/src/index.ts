export * from './connector';
export { defineConnector, type ConnectorDefinition } from './define-connector';
export { InvalidConfigError } from './invalid-config.error';
export { secretPaths, redactSecrets, REDACTED } from './config/secret-fields';
export { describeConnectorConformance, type ConformanceFixture } from './conformance/describe-connector-conformance';
export { readCommitted, type ReadOutcome } from './conformance/read-messages';
