export * from './connector';
export { defineConnector, InvalidConfigError, type ConnectorDefinition } from './define-connector';
export { secretPaths, redactSecrets, REDACTED } from './config/secret-fields';
export { describeConnectorConformance, type ConformanceFixture } from './conformance/describe-connector-conformance';
export { readCommitted, type ReadOutcome } from './conformance/read-messages';
